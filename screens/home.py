"""The main screen: the guide's menu tree (Entreprises › GESTION DES ENTREPRISES › Prospects, ...)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from db.core.text import visible
from tui.places import MENUS, visible_places
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter


class HomeScreen(Screen):
    # Ctrl+L Déconnexion is the app's (tui/app.py): it works from every screen.

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield Tree("MyOpenIP", id="menu")
            with Vertical(id="home-panel"):
                yield Static(id="home-welcome")
                yield Static(
                    "Entrée : ouvrir  ·  Ctrl+P : aller à un écran, un prospect, un devis…  ·  "
                    "F1 : touches de l'écran  ·  Échap : retour",
                    id="home-help",
                )
        yield AppFooter()

    def on_mount(self) -> None:
        scope = self.app.scope
        portal = "MB / Opérateur" if scope.is_operator else "Revendeur"
        self.sub_title = visible(f"{scope.login} · {portal}")
        self.query_one("#home-welcome", Static).update(
            f"Bienvenue [b]{plain(scope.login)}[/b] — portail {portal}.\n\n"
            "Transformer un prospect en client :\n"
            "  A/ Entreprises › GESTION DES ENTREPRISES › Prospects › Reprendre\n"
            "  B/ E-boutique › Mes devis › N° de devis › Créer le compte client"
        )
        tree = self.query_one(Tree)
        tree.show_root = False
        places = visible_places(scope.is_operator)
        for menu in MENUS:
            entries = [p for p in places if p.menu == menu]
            if not entries:
                continue
            node = tree.root.add(menu, expand=True)
            groups: dict[str, object] = {}
            for entry in entries:
                parent = node
                if entry.group:
                    if entry.group not in groups:
                        groups[entry.group] = node.add(entry.group, expand=True)
                    parent = groups[entry.group]
                parent.add_leaf(entry.label, data=entry.key)
        tree.focus()
        self.call_after_refresh(self._cursor_on_first_entry)

    def _cursor_on_first_entry(self) -> None:
        """Put the cursor on Prospects (workflow A's entry), else the first screen entry,
        so Enter opens something straight away."""
        tree = self.query_one(Tree)
        entries = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
        entries = [node for node in entries if node is not None and node.data]
        start = next((node for node in entries if node.data == "prospects"), None)
        if start or entries:
            tree.move_cursor(start or entries[0])

    @on(Tree.NodeSelected)
    def _open(self, event: Tree.NodeSelected) -> None:
        if event.node.data:
            self.app.open_place(event.node.data)
