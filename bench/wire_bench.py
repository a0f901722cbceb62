"""Workflows A and B on the wire (issue 16): the bytes of every step, and its time at 64 kbit/s.

Each workflow (bench/workflows.py) is played on a pseudo-terminal (bench/terminal.py) from the
start of the app to its last step, in normal mode and --low-bandwidth, at 80×24 and 120×40,
with the screen diff (tui/screen_diff.py) on, and off (MYOPENIP_SCREEN_DIFF=0: Textual's
frames as they are, compacted: the code before issue 16) as the baseline of the same run.
Every session starts on a fresh copy of a demo store (the workflows turn a prospect into a
client). The bytes are what the terminal receives, from the key until 150 ms of silence; a
blinking text cursor (normal mode only) adds its few bytes to the step it falls in.

`--ssh` also plays them at 80×24 through a real sshd on 127.0.0.1 (bench/ssh_wire.py): the
bytes the ssh client writes to its terminal, next to the same workflow on a local terminal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.terminal import BIN, Term, app_argv, term_env
from bench.workflows import WORKFLOWS, Step, play_on_terminal

LINK_BITS_PER_S = 64_000
SIZES = ((80, 24), (120, 40))
MODES = ("normal", "low")
# Targets of issue 16 at 80×24 (bytes), normal / low bandwidth.
TARGET_WORKFLOW_A = (60_000, 40_000)
TARGET_PALETTE = (3_000, 2_000)
TARGET_SCREEN = (6_000, 4_000)
TARGET_FILTER_KEY = (1_000, 700)
SCREEN_STEPS = ("Entrée : Prospects s'ouvre", "Entrée (Reprendre >) : étape 2")
PALETTE_STEP = "Ctrl+P : la palette s'ouvre"
FILTER_STEP = "Filtre « /1743 » (5 touches)"


@dataclass
class Run:
    workflow: str
    size: tuple[int, int]
    mode: str
    diff: bool
    steps: list[int]


def seconds(size: int) -> str:
    return f"{size * 8 / LINK_BITS_PER_S:.2f} s"


def kb(size: float) -> str:
    return f"{size / 1000:.1f} Ko"


def demo_store(tmp: str) -> Path:
    """A demo store (the guide's examples), made once per bench run."""
    path = Path(tmp) / "workflows.db"
    if not path.exists():
        subprocess.run(
            [str(BIN / "myopenip"), "seed-demo", "--path", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def fresh_copy(tmp: str, name: str) -> str:
    source = demo_store(tmp)
    target = Path(tmp) / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return str(target)


def env_for(mode: str, diff: bool, tmp: str) -> dict[str, str]:
    env = term_env(mode == "low", tmp)
    if not diff:
        env["MYOPENIP_SCREEN_DIFF"] = "0"
    return env


def play(workflow: str, size: tuple[int, int], mode: str, diff: bool, tmp: str) -> Run:
    db = fresh_copy(tmp, f"wf-{workflow}")
    with Term(app_argv(db), *size, env_for(mode, diff, tmp)) as term:
        steps = play_on_terminal(term, WORKFLOWS[workflow])
    return Run(workflow, size, mode, diff, steps)


def measure(tmp: str, verbose: bool = False) -> list[Run]:
    runs = []
    for workflow in sorted(WORKFLOWS):
        for size in SIZES:
            for mode in MODES:
                for diff in (False, True):  # baseline and diff one after the other
                    runs.append(play(workflow, size, mode, diff, tmp))
                    if verbose:
                        print(
                            f"  {workflow} {size} {mode} diff={diff}: {sum(runs[-1].steps)} o",
                            file=sys.stderr,
                        )
        print(f"  workflow {workflow} : fait", file=sys.stderr)
    return runs


def _find(runs: list[Run], workflow: str, size, mode: str, diff: bool) -> Run:
    return next(
        r for r in runs if (r.workflow, r.size, r.mode, r.diff) == (workflow, size, mode, diff)
    )


def step_table(runs: list[Run], workflow: str, size, markdown: bool) -> str:
    steps: tuple[Step, ...] = WORKFLOWS[workflow]
    head = (
        "Étape",
        "normal avant",
        "normal",
        "64 kbit/s",
        "low-bw avant",
        "low-bw",
        "64 kbit/s",
    )
    runs_by = {(m, d): _find(runs, workflow, size, m, d) for m in MODES for d in (False, True)}
    rows = []
    for index, step in enumerate(steps):
        row = [step.label]
        for mode in MODES:
            before, after = runs_by[(mode, False)].steps[index], runs_by[(mode, True)].steps[index]
            row += [f"{before} o", f"{after} o", seconds(after)]
        rows.append(row)
    total = ["**Total**" if markdown else "Total"]
    for mode in MODES:
        before, after = sum(runs_by[(mode, False)].steps), sum(runs_by[(mode, True)].steps)
        total += [kb(before), kb(after), seconds(after)]
    rows.append(total)
    return render(head, rows, markdown)


def render(head, rows, markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    table = [head, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    )


def targets_table(runs: list[Run], markdown: bool) -> tuple[str, bool]:
    """Issue 16's targets at 80×24: (table, all met)."""
    size = SIZES[0]
    labels = [s.label for s in WORKFLOWS["A"]]
    head = ("Cible (80×24)", "normal avant", "normal", "low-bw avant", "low-bw", "cible", "")
    rows, met = [], True

    def figure(what: str, value, target: tuple[int, int]) -> None:
        nonlocal met
        values = {(m, d): value(_find(runs, "A", size, m, d)) for m in MODES for d in (False, True)}
        ok = values[("normal", True)] <= target[0] and values[("low", True)] <= target[1]
        met &= ok
        rows.append(
            (
                what,
                kb(values[("normal", False)]),
                kb(values[("normal", True)]),
                kb(values[("low", False)]),
                kb(values[("low", True)]),
                f"≤ {kb(target[0])} / {kb(target[1])}",
                "✓" if ok else "✗",
            )
        )

    figure(
        "Workflow A, démarrage → Transformer en client", lambda r: sum(r.steps), TARGET_WORKFLOW_A
    )
    figure(
        "La palette s'ouvre (Ctrl+P)", lambda r: r.steps[labels.index(PALETTE_STEP)], TARGET_PALETTE
    )
    for label in SCREEN_STEPS:
        figure(
            f"Un écran s'ouvre : {label}",
            lambda r, lb=label: r.steps[labels.index(lb)],
            TARGET_SCREEN,
        )
    figure(
        "Une touche de filtre (« /1743 » ÷ 5)",
        lambda r: r.steps[labels.index(FILTER_STEP)] / 5,
        TARGET_FILTER_KEY,
    )
    return render(head, rows, markdown), met


def report(runs: list[Run], markdown: bool) -> str:
    parts = []
    for workflow in sorted(WORKFLOWS):
        for size in SIZES:
            parts.append(
                f"Workflow {workflow}, {size[0]}×{size[1]} (octets reçus par le terminal ; « avant » = sans diff d'écran)"
            )
            parts.append(step_table(runs, workflow, size, markdown))
            parts.append("")
    table, met = targets_table(runs, markdown)
    parts.append(table)
    parts.append("Cibles atteintes." if met else "Cibles NON atteintes.")
    return "\n".join(parts)
