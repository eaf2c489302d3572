"""What one bundle's import did, and how the command prints it."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

# An operator fixing a file needs the first problems, not thousands of lines.
MAX_PROBLEMS_SHOWN = 25
OUTCOMES = ("created", "updated", "unchanged", "retracted", "used", "skipped")
NOT_KEPT = "not kept by the portal"
# A retraction (entered in error) of a resource the portal never imported: nothing to remove.
NEVER_IMPORTED = "entered in error, never imported"


@dataclass
class ImportReport:
    source: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # FHIR resource type -> Counter of OUTCOMES (rows for created/updated/unchanged/retracted).
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # FHIR resource type -> Counter of (outcome, reason) for entries skipped or used.
    reasons: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # What went with retracted rows: "note translations removed" -> how many.
    also_removed: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = [f"{self.source}: imported in {self.seconds:.2f} s: {self.total('created')} rows created, "
                 f"{self.total('updated')} updated, {self.total('unchanged')} unchanged"
                 + (f", {self.total('retracted')} retracted (entered in error)" if self.total("retracted") else "")]
        not_kept = {t: c["skipped"] for t, c in self.counts.items()
                    if self.reasons[t][("skipped", NOT_KEPT)] == c["skipped"] == sum(c.values())}
        kept = [t for t in self.counts if t not in not_kept]
        width = max((len(name) for name in kept), default=0)
        for resource_type in sorted(kept):
            counter = self.counts[resource_type]
            parts = [f"{counter[o]} {o}" for o in ("created", "updated", "unchanged", "retracted") if counter[o]]
            for outcome in ("used", "skipped"):
                if counter[outcome]:
                    why = ", ".join(f"{reason} {n}" for (kind, reason), n in self.reasons[resource_type].most_common()
                                    if kind == outcome)
                    parts.append(f"{counter[outcome]} {outcome}" + (f" ({why})" if why else ""))
            lines.append(f"  {resource_type:<{width}}  " + "; ".join(parts))
        if not_kept:
            lines.append(f"  {NOT_KEPT}: " + ", ".join(f"{t} {n}" for t, n in sorted(not_kept.items())))
        also = [f"{n} {what}" for what, n in sorted(self.also_removed.items()) if n]
        if also:
            lines.append("  with the retracted rows: " + ", ".join(also))
        lines += [f"  note: {warning}" for warning in self.warnings[:MAX_PROBLEMS_SHOWN]]
        if len(self.warnings) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  note: ... and {len(self.warnings) - MAX_PROBLEMS_SHOWN} more")
        return lines

    def problem_lines(self) -> list[str]:
        lines = [f"{self.source}: refused, nothing from this file was written:"]
        lines += [f"  {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems")
        return lines

    def count_entry(self, resource_type: str, outcome: str, reason: str | None = None) -> None:
        self.counts[resource_type][outcome] += 1
        if reason:
            self.reasons[resource_type][(outcome, reason)] += 1
