"""Fixed facts about the demo AWS world: account, alias, regions and fake credentials."""

from __future__ import annotations

from typing import Final

#: moto's default account: every request signed with any access key lands here.
DEMO_ACCOUNT_ID: Final = "123456789012"

#: The IAM account alias the demo account carries (``ListAccountAliases``).
DEMO_ACCOUNT_ALIAS: Final = "acme-prod"

#: The regions the seeded fleet lives in, biggest first.
DEMO_REGIONS: Final[tuple[str, ...]] = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")

#: Fake (access key, secret key); moto accepts anything, but botocore insists on having some.
DEMO_CREDENTIALS: Final[tuple[str, str]] = ("demo-access-key", "demo-secret-key")

#: A sibling account of the organisation (images and snapshots are shared with it).
STAGING_ACCOUNT_ID: Final = "210987654321"

#: An outside partner account (shares with it are the ones an audit should question).
PARTNER_ACCOUNT_ID: Final = "444455556666"
