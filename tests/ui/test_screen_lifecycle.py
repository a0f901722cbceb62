"""Screens opened and closed faster than they load or draw: nothing crashes, nothing is lost.

All found by bench/random_keys.py: Escape on a contact form an instant after it opened (the
load's result then read fields Textual was removing); a wizard step drawn twice at once; Ctrl+S
typed ahead on a dialog not yet drawn.
"""

from __future__ import annotations

import gc
import threading

from db.core.models import Contact
from screens.contacts import ContactFormScreen
from tests.ui.conftest import SIZE, login, settle
from tui.toolkit.db_worker import still_shown


def a_contact(scope) -> Contact:
    return Contact.select().where(Contact.company.in_(scope.companies())).first()


async def test_a_popped_screen_is_no_longer_shown_while_textual_removes_it(app, scopes):
    contact = a_contact(scopes["revendeur"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        app.push_screen(ContactFormScreen(contact.company_id, contact.id))
        await settle(pilot)
        form = app.screen
        assert still_shown(form)
        removal = app.pop_screen()  # what Escape does
        assert form.is_attached and not still_shown(form)
        form._after_fill()  # a late callback returns without touching the fields
        await removal
        await settle(pilot)
        assert app._exception is None and not form.is_attached


async def test_escape_while_the_form_loads_drops_the_result(app, scopes, monkeypatch):
    contact = a_contact(scopes["revendeur"])
    release = threading.Event()
    delivered = []
    load = ContactFormScreen.load

    def slow_load(self, scope):
        release.wait(5)  # the database answers only once the form is closed
        return load(self, scope)

    monkeypatch.setattr(ContactFormScreen, "load", slow_load)
    monkeypatch.setattr(ContactFormScreen, "_loaded", lambda self, result: delivered.append(result))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        screen_below = app.screen
        app.push_screen(ContactFormScreen(contact.company_id, contact.id))
        await pilot.pause()
        await pilot.press("escape")
        release.set()
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.screen is screen_below
        assert delivered == [] and app._exception is None


async def test_a_wizard_step_asked_twice_at_once_is_shown_once(app):
    """Ctrl+R while a step is still being drawn: the older drawing stops, the newer one wins
    (found by random keys as the operator: NoMatches '#section-billing')."""
    import asyncio

    from screens.prospect_wizard import ProspectWizardScreen
    from tui.toolkit.widgets.form import FormField

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        app.push_screen(ProspectWizardScreen(1743, step=2))
        await settle(pilot)
        wizard = app.screen
        await asyncio.gather(wizard._show_step(2), wizard._show_step(2))
        await settle(pilot)
        assert app._exception is None and app.screen is wizard
        ids = [field.id for field in wizard.query(FormField)]
        assert "field-iban" in ids and len(ids) == len(set(ids))
        assert len(wizard.query("#section-billing")) == 1


async def test_a_key_typed_ahead_waits_for_the_screen_it_lands_on(app):
    """A key that reached the Catalogue's list, then comes back up to the app once the list
    has opened a dialog (what Enter then Ctrl+S typed at once does): the app runs the dialog's
    Ctrl+S once the dialog is drawn (refused at its fields), not on a dialog without fields."""
    from textual import events
    from textual.widgets import Static

    from screens.catalogue import CatalogueScreen, OfferDialog

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        app.push_screen(CatalogueScreen())
        await settle(pilot)
        app.push_screen(OfferDialog())  # opened by the list; not drawn yet
        key = events.Key("ctrl+s", None)
        key._set_forwarded()  # as when it comes back up from the list it was sent to
        await app.on_event(key)
        await settle(pilot)
        await pilot.pause(0.2)
        assert app._exception is None
        assert isinstance(app.screen, OfferDialog)
        banner = str(app.screen.query_one("#offer-banner", Static).render())
        assert "champ(s) à corriger" in banner


async def test_a_closed_list_screen_leaves_nothing_behind(app):
    """Clients opened and closed three times: none of its widgets stays in memory (Prospects
    and Mes devis are kept on purpose, one each: tests/ui/test_kept_screens.py).

    Two leaks did keep them: the thread a query ran in kept its last worker (Textual marks the
    thread's context with it), and Textual's StylesCache.get_inner_outer cached every widget's
    drawn lines by the widget (tui/toolkit/textual_fixes.py). Each full garbage collection
    walked what they kept, a bit longer at each screen opened.
    """
    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    from screens.companies import ClientsScreen
    from tui.toolkit.widgets.record_list import RecordList

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        for _ in range(3):
            app.open_place("clients")
            await settle(pilot)
            record_list = app.screen.query_one(RecordList)
            assert record_list.rows  # its worker ran
            del record_list
            await pilot.press("escape")
            await settle(pilot)
        gc.collect()
        alive = gc.get_objects()
        assert not [o for o in alive if isinstance(o, (ClientsScreen, RecordList))]
        widgets = sum(isinstance(o, Widget) for o in alive)
        caches = sum(isinstance(o, StylesCache) for o in alive)
        assert caches <= widgets, (caches, widgets)


async def test_a_list_screen_opens_styled_once_with_the_focus_on_its_table(app, monkeypatch):
    """Mes devis's widgets are styled as they mount, not all again when it first becomes
    current (tui/toolkit/textual_fixes.py), and the focus goes to the table at once rather
    than to the first filter box and then to the table (each move restyles): 35 ms of its
    opening. It looks the same: the snapshots of the lists are unchanged."""
    from textual.dom import DOMNode
    from textual.widget import Widget

    from screens.quotes import QuotesScreen
    from tui.toolkit.widgets.record_list import RecordTable

    restyled: list = []
    focus_moves: list = []
    update_node_styles, watch_has_focus = DOMNode.update_node_styles, Widget.watch_has_focus

    def spy_styles(node, *args, **kwargs):
        restyled.append(node)
        return update_node_styles(node, *args, **kwargs)

    def spy_focus(widget, value):
        focus_moves.append((widget, value))
        return watch_has_focus(widget, value)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        monkeypatch.setattr(DOMNode, "update_node_styles", spy_styles)
        monkeypatch.setattr(Widget, "watch_has_focus", spy_focus)
        app.open_place("quotes")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        assert screen not in restyled
        assert [(type(w), v) for w, v in focus_moves if v] == [(type(screen.focused), True)]
        assert isinstance(screen.focused, RecordTable)
