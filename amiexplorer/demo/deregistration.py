"""AMI deregistration protection: ``EnableImageDeregistrationProtection``,
``DisableImageDeregistrationProtection``, DescribeImages' ``DeregistrationProtection`` and the
refusal of DeregisterImage (moto 5.2.5 answers the first two with HTTP 500).

What AWS documents (API reference API_EnableImageDeregistrationProtection.html and
API_DisableImageDeregistrationProtection.html; user guide "Protect an Amazon EC2 AMI from
deregistration", ami-deregistration-protection.html):

- "When deregistration protection is enabled, the AMI can't be deregistered";
- ``WithCooldown=true`` "enforces deregistration protection for 24 hours after deregistration
  protection is disabled";
- the AWS CLI's examples (aws-cli awscli/examples/ec2/enable-image-deregistration-protection.rst
  and disable-...rst) answer ``"Return": "enabled-without-cooldown"`` and
  ``"Return": "disabled"``; DescribeImages says ``"DeregistrationProtection": "disabled"`` for
  an unprotected image (real outputs quoted in public repositories), and ``enabled-with-cooldown``
  / ``enabled-without-cooldown`` for protected ones (terraform-provider-aws's
  ``aws_ec2_image_deregistration_protection`` documentation; aws-nuke's EC2Image compares
  DescribeImages' value with ``enabled-with-cooldown``).

What AWS does not document, and the demo chooses:

- during the 24 hours after disabling a protection with cooldown, DescribeImages keeps saying
  ``enabled-with-cooldown`` (the image is still protected), and Disable answers ``disabled``;
  the 24 hours run on the demo's pending clock (``pending_state.now``), so tests step it;
- DeregisterImage of a protected image: AWS documents neither code nor text. The demo answers
  ``OperationNotPermitted`` (EC2's documented code for an operation that is not allowed, as for
  terminating a termination-protected instance) with its own message, ``The image 'ami-...' has
  deregistration protection enabled. Disable it before deregistering the image.`` (or, in the
  cooldown, ``... is protected from deregistration until the 24-hour cooldown ends.``);
- ``DryRun=True`` of that DeregisterImage answers ``DryRunOperation`` (permissions only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amiexplorer.demo import pending_state
from amiexplorer.demo.ec2_pages import ec2_error

DISABLED = "disabled"
WITH_COOLDOWN = "enabled-with-cooldown"
WITHOUT_COOLDOWN = "enabled-without-cooldown"
COOLDOWN_SECONDS = 24 * 3600.0
_KEY = "_demo_deregistration_protection"


@dataclass(frozen=True)
class Protection:
    """An image's deregistration protection."""

    cooldown: bool
    #: Pending clock reading when protection with cooldown was disabled (None: still enabled).
    disabled_at: float | None = None

    def active(self) -> bool:
        """Whether the image may not be deregistered now."""
        if self.disabled_at is None:
            return True
        return pending_state.now() - self.disabled_at < COOLDOWN_SECONDS


def protection_of(image: Any) -> Protection | None:
    """The protection of a moto ``Ami``, if any is (still) in force."""
    found = image.__dict__.get(_KEY)
    if not isinstance(found, Protection):
        return None
    if not found.active():
        image.__dict__.pop(_KEY, None)
        return None
    return found


def set_protection(image: Any, protection: Protection | None) -> None:
    """Protect (or, with None, unprotect) a moto ``Ami``."""
    if protection is None:
        image.__dict__.pop(_KEY, None)
    else:
        image.__dict__[_KEY] = protection


def value_of(image: Any) -> str:
    """DescribeImages' DeregistrationProtection of a moto ``Ami``."""
    protection = protection_of(image)
    if protection is None:
        return DISABLED
    return WITH_COOLDOWN if protection.cooldown else WITHOUT_COOLDOWN


def refuse_deregistration(image: Any) -> None:
    """Raise DeregisterImage's refusal when ``image`` is protected."""
    protection = protection_of(image)
    if protection is None:
        return
    if protection.disabled_at is not None:
        message = (
            f"The image '{image.id}' is protected from deregistration until the 24-hour "
            "cooldown ends."
        )
    else:
        message = (
            f"The image '{image.id}' has deregistration protection enabled. "
            "Disable it before deregistering the image."
        )
    raise ec2_error("OperationNotPermitted", message)


def _image(self: Any) -> Any:
    image_id = str(self._get_param("ImageId") or "")
    if not image_id:
        raise ec2_error("MissingParameter", "The request must contain the parameter ImageId")
    (image,) = self.ec2_backend.describe_images(ami_ids=[image_id])  # InvalidAMIID.*
    return image


def enable_image_deregistration_protection(self: Any) -> Any:
    """Action=EnableImageDeregistrationProtection."""
    from moto.core.responses import ActionResult

    image = _image(self)
    cooldown = bool(self._get_bool_param("WithCooldown", False))
    self.error_on_dryrun()
    set_protection(image, Protection(cooldown))
    return ActionResult({"Return": value_of(image)})


def disable_image_deregistration_protection(self: Any) -> Any:
    """Action=DisableImageDeregistrationProtection (a cooldown keeps it protected 24 h)."""
    from moto.core.responses import ActionResult

    image = _image(self)
    self.error_on_dryrun()
    protection = protection_of(image)
    if protection is not None and protection.cooldown and protection.disabled_at is None:
        set_protection(image, Protection(True, pending_state.now()))
    elif protection is not None and not protection.cooldown:
        set_protection(image, None)
    return ActionResult({"Return": DISABLED})
