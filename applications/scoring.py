"""The council members' scores side by side: per criterion each member's judgement, the mean,
the spread, and a flag where members disagree (points 2 or more apart, or met / not met)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from applications.models import Criterion

DISAGREEMENT = 2


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    cells: list  # CriterionScore per column, in the columns' order (None where missing)
    mean: Decimal | None
    spread: int | None
    met_count: int
    not_met_count: int

    @property
    def disagree(self) -> bool:
        return (self.spread is not None and self.spread >= DISAGREEMENT) or (
            self.met_count > 0 and self.not_met_count > 0
        )

    @property
    def all_met(self) -> bool:
        return self.not_met_count == 0 and self.met_count > 0


@dataclass(frozen=True)
class ScoreTable:
    columns: list  # Score, with assignment__reviewer loaded
    rows: list[CriterionRow]

    @property
    def disagreements(self) -> int:
        return sum(row.disagree for row in self.rows)


def score_table(scores) -> ScoreTable:
    """``scores``: Score rows of one version with their criteria prefetched."""
    columns = list(scores)
    by_column = [{c.criterion: c for c in score.criteria.all()} for score in columns]
    rows = []
    for criterion in Criterion:
        cells = [cells.get(criterion.value) for cells in by_column]
        points = [cell.points for cell in cells if cell is not None]
        mean = (
            (Decimal(sum(points)) / len(points)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if points
            else None
        )
        rows.append(
            CriterionRow(
                criterion=criterion,
                cells=cells,
                mean=mean,
                spread=max(points) - min(points) if points else None,
                met_count=sum(1 for cell in cells if cell is not None and cell.met),
                not_met_count=sum(1 for cell in cells if cell is not None and not cell.met),
            )
        )
    return ScoreTable(columns=columns, rows=rows)
