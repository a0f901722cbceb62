"""Workflows A and B of the guide as keys typed, step by step: played on a pseudo-terminal by
the bench (bench/run.py --only workflows) and in-process by the screen-equality test
(tests/ui/test_wire_screens.py).

A: Connexion → the palette → Prospects → filter 1743 → Reprendre → step 2 (e-mail, IBAN) →
step 3 (contact) → Transformer en client. B: Connexion → the palette → Mes devis → filter
DEV000095225 → the quote → Créer le compte client (e-mail, IBAN) → done. Both as `revendeur`
on the demo store (`myopenip seed-demo`), which has prospect 1743 and quote DEV000095225/1.
"""

from __future__ import annotations

import codecs
import time
from dataclasses import dataclass

IBAN_A = "FR76 3000 6000 0112 3456 7890 189"
IBAN_B = "FR76 3000 4000 0312 3456 7890 143"


@dataclass(frozen=True)
class Step:
    """What the user types (key names or text typed a character at a time) and what the
    screen then shows (`until`: a text on it once the step is done)."""

    label: str
    keys: tuple[str, ...] = ()
    until: str | None = None


# Textual's key names -> what a terminal sends for them.
KEY_BYTES = {
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "escape": b"\x1b",
    "slash": b"/",
    "ctrl+p": b"\x10",
    "ctrl+s": b"\x13",
    "ctrl+t": b"\x14",
    "ctrl+k": b"\x0b",
    "f2": b"\x1bOQ",
    "f5": b"\x1b[15~",
}

LOGIN = (
    Step("Connexion peinte (démarrage)", (), "Connexion"),
    Step(
        "Connexion → menu (identifiant, Tab, mot de passe, Entrée)",
        ("revendeur", "tab", "demo", "enter"),
        "Bienvenue",
    ),
)

WORKFLOW_A = (
    *LOGIN,
    Step("Ctrl+P : la palette s'ouvre", ("ctrl+p",), "Rechercher un écran"),
    Step("« prospects » tapé dans la palette (9 caractères)", ("prospects",)),
    Step("Entrée : Prospects s'ouvre", ("enter",), " sur "),
    Step("Filtre « /1743 » (5 touches)", ("slash", "1743"), "1 sur 1"),
    Step("Entrée : vers le tableau", ("enter",)),
    Step("Entrée (Reprendre >) : étape 2", ("enter",), "INFORMATION DE FACTURATION"),
    Step("Tab, e-mail tapé (15 caractères)", ("tab", "compta@duval.fr")),
    Step("5 Tab → IBAN", ("tab",) * 5),
    Step("IBAN tapé (33 caractères)", (IBAN_A,)),
    Step("12 Tab", ("tab",) * 12),
    Step("Ctrl+S : étape 3", ("ctrl+s",), "Civilité"),
    Step(
        "Contact : nom, prénom, téléphone, e-mail (4 champs, 6 Tab)",
        (
            "tab",
            "DUVAL",
            "tab",
            "Jean",
            "tab",
            "01 84 78 78 80",
            "tab",
            "tab",
            "tab",
            "jean.duval@duval.fr",
        ),
    ),
    Step("Ctrl+S : la fiche du prospect", ("ctrl+s",), "Détails d'un prospect"),
    Step("Ctrl+T : « Transformer en client ? »", ("ctrl+t",), "Transformer (o)"),
    Step("o : client créé, son N° client affiché", ("o",), "N° client"),
    Step("Entrée : la fiche du nouveau client", ("enter",), "Client depuis"),
)

WORKFLOW_B = (
    *LOGIN,
    Step("Ctrl+P : la palette s'ouvre", ("ctrl+p",), "Rechercher un écran"),
    Step("« mes devis » tapé dans la palette (9 caractères)", ("mes devis",)),
    Step("Entrée : Mes devis s'ouvre", ("enter",), "DEV0"),
    Step("Filtre « /DEV000095225 » + Entrée", ("slash", "DEV000095225", "enter"), "DEV000095225/1"),
    Step("Entrée : le devis s'ouvre", ("enter",), "DEV000095225/1 · GARAGE"),
    Step("Ctrl+K : Créer le compte client", ("ctrl+k",), "Création du compte client"),
    Step("e-mail tapé (24 caractères)", ("compta@garageducentre.fr",)),
    Step("3 Tab → IBAN", ("tab",) * 3),
    Step("IBAN tapé (33 caractères)", (IBAN_B,)),
    Step("Ctrl+S : compte client créé (message)", ("ctrl+s",), "N° client"),
    Step("Entrée : la fiche du nouveau client", ("enter",), "Client depuis"),
)

WORKFLOWS = {"A": WORKFLOW_A, "B": WORKFLOW_B}
PILOT_CHARS = {" ": "space", "/": "slash"}


def pilot_keys(step: Step) -> list[str]:
    """The step as keys for Pilot.press."""
    keys: list[str] = []
    for item in step.keys:
        if item in KEY_BYTES:
            keys.append(item)
        else:
            keys.extend(PILOT_CHARS.get(char, char) for char in item)
    return keys


def terminal_keys(step: Step) -> list[bytes]:
    """The step as what a terminal sends, a key at a time."""
    keys: list[bytes] = []
    for item in step.keys:
        if item in KEY_BYTES:
            keys.append(KEY_BYTES[item])
        else:
            keys.extend(char.encode() for char in item)
    return keys


class ScreenWatcher:
    """A terminal emulator (pyte) fed with what a `Term` received: what the user sees."""

    def __init__(self, term):
        import pyte

        self.term = term
        self.screen = pyte.Screen(term.cols, term.rows)
        self.stream = pyte.Stream(self.screen)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.offset = 0

    def text(self) -> str:
        data = self.term.since(self.offset)
        self.offset += len(data)
        self.stream.feed(self.decoder.decode(data))
        return "\n".join(self.screen.display)

    def wait_text(self, text: str, timeout: float = 15.0) -> None:
        deadline = time.perf_counter() + timeout
        while text not in self.text():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"« {text} » not on the screen:\n{self.text()}")
            self.term.wait_output(self.offset, 0.2)


def play_on_terminal(term, steps: tuple[Step, ...], quiet: float = 0.15) -> list[int]:
    """Play `steps` on `term` (a bench.terminal.Term); the bytes each step received."""
    watcher = ScreenWatcher(term)
    counts: list[int] = []
    for step in steps:
        start = term.pos if counts else 0  # the first step counts from the process start
        for key in terminal_keys(step):
            before = term.pos
            term.send(key)
            term.wait_output(before, 0.5)  # its echo (a key may change nothing on the screen)
            term.wait_quiet(0.03)
        if step.until:
            watcher.wait_text(step.until)
        # A screen that opens may still be loading (focus, a worker): it goes quiet longer.
        term.wait_quiet(quiet * 3 if step.until else quiet)
        counts.append(term.pos - start)
    watcher.text()
    return counts
