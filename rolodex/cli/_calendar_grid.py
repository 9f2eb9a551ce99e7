"""Drawing ``rolodex calendar``: a Monday-first grid of days with their items."""

from __future__ import annotations

from datetime import date, timedelta

from rolodex.cli._output import console, visible

MAX_LINES = 6


def _line(item: dict) -> str:
    from rich.markup import escape

    clock = f"{item['time']} " if item["time"] else ""
    text = escape(visible(f"{clock}{item['title']}"))
    if item["type"] == "task":
        return f"[yellow]☐ {text}[/]"
    if item["type"] in ("birthday", "anniversary"):
        return f"[magenta]✱ {text}[/]"
    if item["type"] == "campaign":
        return f"[cyan]✉ {text}[/]"
    if item.get("overlaps"):
        return f"[bold red]! {text}[/]"
    return text


def _cell(day: date, items: list[dict], today: date, outside: bool) -> str:
    head = f"[reverse]{day.day:>2}[/]" if day == today else f"[bold]{day.day:>2}[/]"
    if outside:
        head = f"[dim]{day.day:>2}[/]"
    lines = [_line(i) for i in items]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES - 1], f"[dim]+{len(items) - MAX_LINES + 1} more[/]"]
    return "\n".join([head, *lines])


def draw(items: list[dict], first: date, last: date, today: date, *, by_week: bool) -> None:
    """A grid of weeks (month or week view), or a list of one day's items (day view)."""
    from rich import box
    from rich.table import Table

    by_day: dict[str, list[dict]] = {}
    for item in items:
        by_day.setdefault(item["date"], []).append(item)
    out = console(fixed_width=True)
    if not by_week:
        grid = Table(title=first.strftime("%A %d %B %Y"), box=box.SIMPLE_HEAD, show_header=False)
        grid.add_column()
        for item in by_day.get(first.isoformat(), []):
            grid.add_row(_line(item))
        if not by_day:
            grid.add_row("[dim]nothing[/]")
        out.print(grid)
        return
    title = first.strftime("%B %Y") if (last - first).days > 7 else \
        f"Week of {first.strftime('%d %B %Y')}"
    grid = Table(title=title, box=box.SQUARE, show_lines=True, expand=True)
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        grid.add_column(name, ratio=1, vertical="top", overflow="fold")
    start = first - timedelta(days=first.weekday())
    while start <= last:
        week = [start + timedelta(days=n) for n in range(7)]
        grid.add_row(*[_cell(d, by_day.get(d.isoformat(), []), today,
                             outside=not first <= d <= last) for d in week])
        start += timedelta(days=7)
    out.print(grid)
