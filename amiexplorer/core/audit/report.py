"""The audit: an inventory and its relation graph in, findings with reasons and costs out.

Pure: no I/O, no clock of its own, no Textual. The TUI's Audit pane and `amiexplorer audit` both
call `amiexplorer.aws.audit_run.run_audit(account, AuditOptions(...), progress)`, which gathers
the evidence (loads the regions unless `reload=False`, lists public snapshots, reads sharing)
and returns the `AuditReport` built here. `progress` receives `AuditProgress(stage, done,
total)` (`.describe()` puts it in words). The data types live in `findings`, the rules in
`audit_rules`; import everything from here.

Public API (stable):

- `FindingCode` -- the stable codes: `orphaned-snapshot`, `unused-image`, `unattached-volume`,
  `public-image`, `public-snapshot`, `shared-image`, `shared-snapshot`. `CODE_INFO[code]` gives
  each its resource kind, a title, what it means and its `Remedy` (the cleanup a UI offers);
  `cleanup_request(code, findings)` builds the `ActionRequest` for a marked group;
  `removed_by_cleanup(findings)` the ids such a cleanup deletes or deregisters (their
  make-private is superseded: removing a public resource ends its exposure).
- `Finding` -- one resource and why: `code`, `kind` (ResourceKind), `resource_id`, `region`,
  `reason` (words), `size_gib` and `monthly_cost_usd` (estimates; None when the finding costs
  nothing), `details` (JSON-able evidence; keys per code are listed in `CODE_INFO`).
- `Totals` -- count, GiB and monthly cost of a set of findings.
- `AuditReport` -- `account` (the id; `account_label` adds the alias), `generated_at`,
  `regions`, `findings` (sorted: code order, then cost, largest first), `errors`
  (`AuditError`: region + words), `notes` (what the audit could not check, in words),
  `withheld_regions`, `totals` / `totals_by_code` / `totals_by_region`; `by_code()` and
  `group(code)` for grouped display; `failed` when anything went wrong.
- `audit_inventory(inventory, graph, now=..., thresholds=..., prices=...)` -- the findings.
- `build_report(...)` -- the findings, totals and notes of one audit.
- `complete_regions(inventory)` -- the regions whose absence-based findings can be trusted.

For a UI: `report.by_code()` gives every code in order (empty ones too) with its findings,
`report.totals_by_code[code]` its count / GiB / cost, `CODE_INFO[code].title` its heading,
`finding.reason` the row's words, `finding.resource_id` + `finding.kind` where to jump, and
`cleanup_request(code, marked)` the request for the guarded action runner (None for shared-*).

Rules (the issue's words; all for resources the account owns):

- orphaned-snapshot: no registered image (any state) names it, and either its description
  names an image that no longer exists ("source image deregistered") or -- when the description
  names no image -- its source volume no longer exists and it is no copy ("source volume
  deleted"). A snapshot made for an image follows its image, never its volume.
- unused-image: no instance that is not terminated runs it, and no launch template version
  and no launch configuration names it (all of them, used by an Auto Scaling group or not).
- unattached-volume: state `available`.
- public-image / public-snapshot: launch / createVolume permission for the group `all`.
- shared-image / shared-snapshot (informational): the accounts, organizations and OUs named.

Incomplete evidence (the conservative choice): every relation these rules follow lies inside
one region (an image is launched, and its snapshots live, in its own region; a snapshot's volume
is in its region), except one: a CopySnapshot copy of an image's snapshot names an image of the
region it was copied from. So orphaned-snapshot and unused-image, which rest on the *absence* of
a user, are withheld for every resource of a region that did not load completely, and a
"source image deregistered" is only claimed when the image's own region loaded completely (a
copy whose source region was not audited is never reported). Findings that rest on the
resource's own record (unattached, public, shared) are reported from whatever loaded.

Thresholds (`config.Thresholds`) hide orphaned snapshots, unused images and unattached volumes
younger than the minimum age; they never hide public or shared findings. A resource whose age
is unknown is reported only when the minimum is 0.

Work in flight is never a leftover: a snapshot, image or volume that is still pending, or that
an operation of this session is still creating (`in_flight`: the ids the watcher follows), and
one younger than the grace period (`Thresholds.grace_hours`, 24 h by default), is held back
from every leftover code (orphaned-*, unused-image, unattached-volume), with a note that counts
them. Public and shared findings are never held back.

Costs are estimates from list prices (`config.Prices`, `core/cost.py`): a snapshot's figure is
what deleting it frees, from the blocks only it holds where the EBS direct APIs were read
(`core/block_sizes.py`, the audit's bounded block pass), and otherwise an upper bound (its
written or volume size; the finding's `saving_is_upper_bound` says which); an unused image saves
what its snapshots that no other registered image holds free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from amiexplorer.core.audit.findings import (
    CODE_INFO,
    SOURCE_IMAGE_DEREGISTERED,
    SOURCE_VOLUME_DELETED,
    CodeInfo,
    Details,
    Finding,
    FindingCode,
    JsonValue,
    ManagedGroup,
    Remedy,
    Totals,
)
from amiexplorer.core.audit.rules import (
    HELD_BIN_UNKNOWN,
    HELD_IMAGE_IN_BIN,
    HELD_IN_FLIGHT,
    HELD_IN_GRACE,
    HELD_LOCK_UNKNOWN,
    HELD_LOCKED,
    HELD_PROTECTED,
    AuditScope,
    complete_regions,
    find_all,
    managed_groups,
    parameter_regions,
)
from amiexplorer.core.evidence import Evidence, Source
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.lifecycle import BLOCK_NEW_SHARING
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.requests import (
    ActionRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
)
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices, Thresholds

__all__ = [
    "CODE_INFO",
    "SOURCE_IMAGE_DEREGISTERED",
    "SOURCE_VOLUME_DELETED",
    "AuditError",
    "AuditReport",
    "CodeInfo",
    "Details",
    "Finding",
    "FindingCode",
    "JsonValue",
    "ManagedGroup",
    "Remedy",
    "Totals",
    "audit_inventory",
    "build_report",
    "cleanup_request",
    "complete_regions",
    "removed_by_cleanup",
]


@dataclass(frozen=True, slots=True)
class AuditError:
    """Something the audit could not read in one region, in words."""

    region: str
    error: str


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The findings of one audit, their totals, and what could not be checked."""

    #: The account id (12 digits).
    account: str
    generated_at: datetime
    regions: tuple[str, ...]
    findings: tuple[Finding, ...]
    errors: tuple[AuditError, ...] = ()
    #: What the audit could not check and why, in words (never silently incomplete).
    notes: tuple[str, ...] = ()
    #: Regions whose orphaned snapshots and unused images were withheld (incomplete load).
    withheld_regions: tuple[str, ...] = ()
    totals: Totals = field(default_factory=Totals)
    #: Every code, in order, zeros included.
    totals_by_code: Mapping[FindingCode, Totals] = field(default_factory=dict)
    #: Every audited region, zeros included.
    totals_by_region: Mapping[str, Totals] = field(default_factory=dict)
    #: The IAM account alias, when IAM told us one.
    account_alias: str | None = None
    #: What DLM and AWS Backup manage: never leftovers, counted for information.
    managed: tuple[ManagedGroup, ...] = ()

    @property
    def upper_bounds(self) -> int:
        """Findings whose saving is an upper bound (snapshot blocks not read)."""
        return sum(1 for f in self.findings if f.details.get("saving_is_upper_bound"))

    def cost_basis(self) -> str:
        """How the total saving is to be read, for a summary line."""
        bounded = self.upper_bounds
        if bounded == 0:
            return "estimate; snapshots by the blocks deleting frees"
        return f"estimate; {bounded} snapshot figure(s) an upper bound"

    @property
    def account_label(self) -> str:
        """The account id, with its alias when known."""
        return f"{self.account} ({self.account_alias})" if self.account_alias else self.account

    @property
    def failed(self) -> bool:
        """True when a region (or the whole run) failed: the findings may be incomplete."""
        return bool(self.errors)

    def group(self, code: FindingCode) -> tuple[Finding, ...]:
        """The findings of one code."""
        return tuple(f for f in self.findings if f.code is code)

    def by_code(self) -> dict[FindingCode, tuple[Finding, ...]]:
        """Every code in order, with its findings (possibly none)."""
        groups: dict[FindingCode, list[Finding]] = {code: [] for code in FindingCode}
        for finding in self.findings:
            groups[finding.code].append(finding)
        return {code: tuple(found) for code, found in groups.items()}


def cleanup_request(code: FindingCode, findings: Iterable[Finding]) -> ActionRequest | None:
    """The guarded action for a marked group of one code; None for informational codes."""
    ids = tuple(dict.fromkeys(f.resource_id for f in findings if f.code is code))
    if not ids:
        return None
    remedy = CODE_INFO[code].remedy
    if remedy is Remedy.DELETE_SNAPSHOTS:
        return DeleteSnapshotsRequest(ids)
    if remedy is Remedy.DEREGISTER_IMAGES:
        return DeregisterImagesRequest(ids, delete_snapshots=True)
    if remedy is Remedy.DELETE_VOLUMES:
        return DeleteVolumesRequest(ids)
    if remedy is Remedy.MAKE_PRIVATE:
        return MakePrivateRequest(ids)
    return None


#: The remedies that remove the resource (and with it any exposure it had).
_REMOVING = frozenset({Remedy.DELETE_SNAPSHOTS, Remedy.DEREGISTER_IMAGES, Remedy.DELETE_VOLUMES})


def removed_by_cleanup(findings: Iterable[Finding]) -> set[str]:
    """The ids a cleanup of `findings` deletes or deregisters.

    A public image that is also unused is two findings; deregistering it ends its public
    launch permission too, so its make-private is superseded (the deregistration's
    confirmation names the public ones).
    """
    return {f.resource_id for f in findings if CODE_INFO[f.code].remedy in _REMOVING}


_ORDER = {code: index for index, code in enumerate(FindingCode)}


def _sort_key(finding: Finding) -> tuple[int, float, str, str]:
    return (
        _ORDER[finding.code],
        -(finding.monthly_cost_usd or 0.0),
        finding.region,
        finding.resource_id,
    )


def audit_scope(
    inventory: Inventory,
    graph: RelationGraph | None = None,
    *,
    now: datetime,
    thresholds: Thresholds | None = None,
    prices: Prices | None = None,
    regions: Iterable[str] | None = None,
    in_flight: Iterable[str] = (),
) -> AuditScope:
    """What the rules read, for `regions` (default: every region of the inventory).

    `in_flight`: the ids an operation is still creating (never leftovers).
    """
    chosen = frozenset(regions) if regions is not None else frozenset(inventory.regions)
    return AuditScope(
        inventory,
        graph if graph is not None else RelationGraph(inventory),
        now,
        thresholds or Thresholds(),
        prices or Prices(),
        chosen,
        complete_regions(inventory),
        parameter_regions(inventory),
        frozenset(in_flight),
    )


def audit_inventory(
    inventory: Inventory,
    graph: RelationGraph | None = None,
    *,
    now: datetime,
    thresholds: Thresholds | None = None,
    prices: Prices | None = None,
    regions: Iterable[str] | None = None,
    in_flight: Iterable[str] = (),
) -> tuple[Finding, ...]:
    """Every finding in `regions` (default: every region of the inventory), sorted.

    Absence-based findings are only made for regions that finished loading without errors,
    and unused images only where the SSM parameters were read (see the module docstring).
    """
    scope = audit_scope(
        inventory,
        graph,
        now=now,
        thresholds=thresholds,
        prices=prices,
        regions=regions,
        in_flight=in_flight,
    )
    return tuple(sorted(find_all(scope), key=_sort_key))


#: What a lifecycle read that failed leaves unknown, for the audit's notes.
_LIFECYCLE_NOTES = {
    Source.LOCKS: "its snapshots are not reported as leftovers (a lock may keep them)",
    Source.FAST_RESTORES: "a leftover's fast snapshot restore charges are not known",
    Source.TIERING: "an archived leftover's 90-day minimum charge is not known",
    Source.RECYCLE_BIN: (
        "whether a Recycle Bin rule keeps what is deleted (billed meanwhile) is not known"
    ),
    Source.BIN_CONTENTS: "snapshots of images in the Recycle Bin are not known",
    Source.BLOCK_PUBLIC_ACCESS: (
        "what block public access does to its public snapshots and images is not known"
    ),
}


def _evidence_notes(
    inventory: Inventory, chosen: tuple[str, ...], complete: frozenset[str]
) -> tuple[list[AuditError], list[str]]:
    """Errors and notes for the evidence that could not be read (SSM, DLM, references).

    SSM parameters are evidence unused-image verdicts depend on: without them a region gets
    none, and a failure is an error of the region; a denied permission (optional: the README
    says what it adds) is a note. DLM policies only decide whether what DLM made is a leftover
    of its own code; unread, it counts as managed, with a note. DescribeImageReferences only
    adds to the evidence: a note.
    """
    evidence = inventory.evidence
    errors: list[AuditError] = []
    notes: list[str] = []
    owned_in = {i.region for i in inventory.images.values() if i.owned and i.is_registered}
    for region in chosen:
        if region not in complete or evidence.parameters_read(region):
            continue
        problem = evidence.region(region).problem(Source.SSM)
        if region in owned_in:
            why = (
                f"its SSM parameters were not read: {problem.message}"
                if problem
                else ("its SSM parameters were not read")
            )
            notes.append(
                f"{region}: unused images are not reported, because {why} (a parameter may "
                "hold an image's id for whatever launches from it)"
            )
        elif problem is not None:
            notes.append(
                f"{region}: SSM parameters not read ({problem.message}): one naming an image "
                "of another region would not be seen"
            )
        if problem is not None and not problem.denied:
            errors.append(AuditError(region, f"SSM parameters not read: {problem.message}"))
    for problem in evidence.problems():
        if problem.source is Source.DLM:
            notes.append(
                f"DLM policies of {problem.region} not read ({problem.message}): what DLM "
                "made counts as managed, never as a leftover"
            )
        elif problem.source in _LIFECYCLE_NOTES and problem.region in chosen:
            if problem.missing:
                notes.append(
                    f"{problem.source.value} is not available in {problem.region} "
                    f"({problem.message}): taken for an endpoint without the feature, where "
                    "none can exist"
                )
            else:
                notes.append(
                    f"{problem.source.value} in {problem.region} failed ({problem.message}): "
                    + _LIFECYCLE_NOTES[problem.source]
                )
        elif problem.source is Source.IMAGE_REFERENCES and problem.region in chosen:
            notes.append(
                f"{problem.message}; the SSM parameters and launch templates read are the "
                "evidence of use"
            )
    return errors, notes


def _unread_sharing_notes(
    inventory: Inventory, regions: frozenset[str], hints: Mapping[ResourceKind, str]
) -> list[str]:
    """Notes for owned images and snapshots whose sharing (or publicity) nobody read."""
    account = inventory.account_id
    images = sum(
        1
        for i in inventory.images.values()
        if i.region in regions and i.owned and i.is_registered and i.shared_with is None
    )
    snapshots = [
        s for s in inventory.snapshots.values() if s.region in regions and s.owner_id == account
    ]
    unread = {
        ResourceKind.IMAGE: images,
        ResourceKind.SNAPSHOT: sum(1 for s in snapshots if s.shared_with is None),
    }
    unknown_public = sum(1 for s in snapshots if s.is_public is None)
    notes = []
    if unknown_public:
        notes.append(
            f"whether {unknown_public:,} snapshot(s) are public is unknown: "
            "public-snapshot findings may be missing (see the errors)"
        )
    for kind, count in unread.items():
        if count:
            hint = hints.get(kind)
            notes.append(
                f"the sharing of {count:,} {kind.value}(s) was not read: "
                f"shared-{kind.value} findings may be missing" + (f" ({hint})" if hint else "")
            )
    return notes


def _held_notes(scope: AuditScope) -> list[str]:
    """Notes for the would-be leftovers held back: work in flight, or just made."""
    notes = []
    in_flight = scope.held[HELD_IN_FLIGHT]
    if in_flight:
        notes.append(
            f"{in_flight:,} resource(s) still pending or being created are not reported as "
            "leftovers: the work that makes them is not over"
        )
    locked = scope.held[HELD_LOCKED]
    if locked:
        notes.append(
            f"{locked:,} locked snapshot(s) are not reported as leftovers: AWS refuses to "
            "delete them until their locks expire (or, in governance mode, are unlocked)"
        )
    unknown = scope.held[HELD_LOCK_UNKNOWN]
    if unknown:
        notes.append(
            f"{unknown:,} snapshot(s) are not reported as leftovers because their regions' "
            "snapshot locks could not be read (allow ec2:DescribeLockedSnapshots and reload)"
        )
    binned = scope.held[HELD_IMAGE_IN_BIN]
    if binned:
        notes.append(
            f"{binned:,} snapshot(s) of images in the Recycle Bin are not reported as "
            "leftovers: restoring the image brings them back, and AWS keeps them until it "
            "leaves the bin"
        )
    unread_bin = scope.held[HELD_BIN_UNKNOWN]
    if unread_bin:
        notes.append(
            f"{unread_bin:,} snapshot(s) of deregistered images are not reported as leftovers "
            "because the Recycle Bin could not be read (allow ec2:ListImagesInRecycleBin): "
            "their image may be restorable"
        )
    protected = scope.held[HELD_PROTECTED]
    if protected:
        notes.append(
            f"{protected:,} image(s) with deregistration protection are not reported as "
            "leftovers: someone keeps them on purpose (turn protection off first)"
        )
    young = scope.held[HELD_IN_GRACE]
    if young:
        hours = scope.thresholds.grace_hours
        notes.append(
            f"{young:,} resource(s) younger than the grace period ({hours} h, [thresholds] "
            "grace_hours) are not reported as leftovers"
        )
    return notes


def _zones(finding: Finding) -> tuple[str, ...]:
    zones = finding.details.get("fast_snapshot_restore_zones")
    return tuple(str(z) for z in zones) if isinstance(zones, list | tuple) else ()


def _lifecycle_notes(findings: Iterable[Finding], prices: Prices) -> list[str]:
    """What cleaning the leftovers up meets: the Recycle Bin, fast snapshot restore, the
    archive's minimum (from each finding's details)."""
    notes: list[str] = []
    binned: dict[tuple[str, str, int], list[Finding]] = {}
    fast: list[Finding] = []
    early: list[Finding] = []
    for finding in findings:
        details = finding.details
        if "recycle_bin_rule" in details:
            days = details["recycle_bin_days"]
            key = (finding.region, str(details["recycle_bin_rule"]), int(days))  # type: ignore[arg-type]
            binned.setdefault(key, []).append(finding)
        if "fast_snapshot_restore_zones" in details:
            fast.append(finding)
        if "archive_minimum_days_left" in details:
            early.append(finding)
    for (region, rule, days), found in binned.items():
        monthly = sum(f.monthly_cost_usd or 0 for f in found)
        notes.append(
            f"{len(found):,} leftover snapshot(s) in {region} (~${monthly:,.2f}/month) go to "
            f"the Recycle Bin for {days} days when deleted (rule {rule}), billed meanwhile: "
            f"that saving starts {days} days after the cleanup"
        )
    if fast:
        zones = sum(len(_zones(f)) for f in fast)
        hourly = zones * prices.fast_snapshot_restore_hour
        notes.append(
            f"{len(fast):,} leftover snapshot(s) have fast snapshot restore on in {zones} "
            f"zone(s) (~${hourly:,.2f}/hour): the cleanup refuses them until it is disabled"
        )
    if early:
        notes.append(
            f"{len(early):,} leftover snapshot(s) were archived less than 90 days ago: "
            "deleted now, they are billed for the rest of the archive's 90-day minimum"
        )
    return notes


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:3])
    return shown + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def block_public_access_notes(
    evidence: Evidence, findings: Iterable[Finding], regions: Iterable[str]
) -> list[str]:
    """What each region's block public access does to its public findings: a preview of the
    public shares turning it on would cut, or the ones it already makes private in effect."""
    public: dict[tuple[str, FindingCode], list[str]] = {}
    for finding in findings:
        if finding.code in (FindingCode.PUBLIC_SNAPSHOT, FindingCode.PUBLIC_IMAGE):
            public.setdefault((finding.region, finding.code), []).append(finding.resource_id)
    notes: list[str] = []
    for region in regions:
        setting = evidence.region(region).block_public_access
        if setting is None:
            continue
        by = " (set by the organization's declarative policy)"
        owner = by if setting.managed_by == "declarative-policy" else ""
        snapshots = sorted(public.get((region, FindingCode.PUBLIC_SNAPSHOT), []))
        if snapshots and setting.cuts_public_snapshots():
            notes.append(
                f"{region}: snapshot block public access is block-all-sharing{owner}: its "
                f"{len(snapshots)} public snapshot(s) ({_named(snapshots)}) still say public, "
                "but nobody outside the account can use them"
            )
        elif snapshots:
            notes.append(
                f"{region}: snapshot block public access is {setting.snapshots}{owner}: "
                f"block-all-sharing would make its {len(snapshots)} public snapshot(s) "
                f"({_named(snapshots)}) private in effect; block-new-sharing only stops new ones"
            )
        images = sorted(public.get((region, FindingCode.PUBLIC_IMAGE), []))
        if images:
            verb = "stops" if setting.images == BLOCK_NEW_SHARING else "would stop"
            notes.append(
                f"{region}: image block public access is {setting.images}{owner}: it {verb} new "
                f"public shares only, its {len(images)} public image(s) ({_named(images)}) stay "
                "public until made private (p)"
            )
    return notes


def build_report(
    inventory: Inventory,
    graph: RelationGraph | None = None,
    *,
    account: str,
    now: datetime,
    account_alias: str | None = None,
    regions: Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
    prices: Prices | None = None,
    errors: Iterable[AuditError] = (),
    notes: Iterable[str] = (),
    unread_hints: Mapping[ResourceKind, str] | None = None,
    in_flight: Iterable[str] = (),
) -> AuditReport:
    """Audit the inventory and add totals, the load errors, and notes on what went unchecked.

    `errors` and `notes` are the gatherer's own (for example a failed public-snapshot
    listing); the inventory's load errors are added here, and a note for each kind whose
    sharing was not read, with `unread_hints[kind]` saying why (for example a limit), and
    for what was held back as work in flight or younger than the grace period.
    """
    chosen = tuple(dict.fromkeys(regions if regions is not None else inventory.regions))
    scope = audit_scope(
        inventory,
        graph,
        now=now,
        thresholds=thresholds,
        prices=prices,
        regions=chosen,
        in_flight=in_flight,
    )
    findings = tuple(sorted(find_all(scope), key=_sort_key))
    managed = tuple(managed_groups(scope))
    complete = scope.complete
    withheld = tuple(r for r in chosen if r not in complete)
    all_errors = [AuditError(e.region, e.message) for e in inventory.errors if e.region in chosen]
    all_errors += errors
    all_notes = list(notes)
    for region in withheld:
        all_notes.append(
            f"{region} did not load completely: its orphaned snapshots and unused images are "
            "not reported, because what uses them is unknown"
        )
    evidence_errors, evidence_notes = _evidence_notes(inventory, chosen, complete)
    all_errors += evidence_errors
    all_notes += evidence_notes
    if not any(p.source is Source.DLM for p in inventory.evidence.problems()):
        # (When DLM could not be read, the note above already says why.)
        all_notes += [
            f"{group.count:,} {group.kind.value}(s) of {group.label}: {group.note}"
            for group in managed
            if group.note
        ]
    all_notes += _unread_sharing_notes(inventory, frozenset(chosen), unread_hints or {})
    all_notes += _held_notes(scope)
    all_notes += _lifecycle_notes(findings, scope.prices)
    all_notes += block_public_access_notes(inventory.evidence, findings, chosen)
    by_code = {code: Totals.of(f for f in findings if f.code is code) for code in FindingCode}
    by_region = {region: Totals.of(f for f in findings if f.region == region) for region in chosen}
    return AuditReport(
        account=account,
        generated_at=now,
        regions=chosen,
        findings=findings,
        errors=tuple(dict.fromkeys(all_errors)),
        notes=tuple(dict.fromkeys(all_notes)),
        withheld_regions=withheld,
        totals=Totals.of(findings),
        totals_by_code=by_code,
        totals_by_region=by_region,
        account_alias=account_alias,
        managed=managed,
    )
