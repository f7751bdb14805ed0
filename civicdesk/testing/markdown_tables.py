"""Reading the markdown tables the benchmarks print (bench/common.markdown_table), for their smoke tests."""

from __future__ import annotations


def markdown_table(text: str, first_cell: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and the rows (cells stripped) of the first markdown table in `text` whose header starts
    with the cell `first_cell`. Raises StopIteration when there is none."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return [cell.strip() for cell in lines[start].strip("|").split("|")], rows
