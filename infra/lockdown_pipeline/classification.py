"""Classification tags: what every data-holding resource says about the data it holds.

The five tags are how Lockdown (and a human reviewer) know which stores hold employee
data, who owns them, the one use they are for and how long they may keep it. A store
without ``data-classification`` is treated as ``restricted`` by the policies, but this
pipeline never relies on that default: it tags everything explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

CLASSIFICATION_TAG = "data-classification"
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
#: The five tags every data-holding resource carries.
REQUIRED_TAGS = (CLASSIFICATION_TAG, "data-subject", "owner", "purpose", "retention-days")


@dataclass(frozen=True)
class Classification:
    """The classification of one store; ``tags()`` renders it as AWS tags."""

    classification: str
    owner: str
    purpose: str
    retention_days: int
    data_subject: str = "employee"

    def __post_init__(self) -> None:
        if self.classification not in CLASSIFICATIONS:
            raise ValueError(
                f"unknown data classification {self.classification!r} (one of {', '.join(CLASSIFICATIONS)})"
            )
        if self.retention_days <= 0:
            raise ValueError(f"retention-days must be positive, got {self.retention_days}")
        if not self.owner or not self.purpose:
            raise ValueError("owner and purpose tags must not be empty")

    def with_retention(self, days: int) -> Classification:
        """The same classification for a store with its own retention (e.g. a log group)."""
        return replace(self, retention_days=days)

    def with_purpose(self, purpose: str) -> Classification:
        return replace(self, purpose=purpose)

    def tags(self, extra: dict[str, str] | None = None, **named: str) -> dict[str, str]:
        """The five classification tags, plus any extra ones (which may not override them)."""
        tags = {
            CLASSIFICATION_TAG: self.classification,
            "data-subject": self.data_subject,
            "owner": self.owner,
            "purpose": self.purpose,
            "retention-days": str(self.retention_days),
        }
        for key, value in {**(extra or {}), **named}.items():
            if key in tags:
                raise ValueError(f"tag {key!r} is set by the classification and cannot be overridden")
            tags[key] = value
        return tags


def restricted(owner: str, purpose: str, retention_days: int) -> Classification:
    """Anything holding captures, transcripts, their keys or their logs."""
    return Classification("restricted", owner, purpose, retention_days)
