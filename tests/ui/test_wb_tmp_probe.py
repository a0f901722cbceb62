import asyncio, sys
from tests.ui.conftest import SIZE, login, settle
from tests.ui.test_workflow_b import guide_quote

async def test_probe(app):
    first = guide_quote().id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        from screens.quotes import open_quote
        open_quote(app, first)
        await settle(pilot)
        await pilot.press("ctrl+v"); await settle(pilot)
        await pilot.press("o"); await settle(pilot)
        await pilot.press("ctrl+e"); await settle(pilot)
        await pilot.press("enter")
        t = asyncio.ensure_future(pilot.press("ctrl+s"))
        await asyncio.sleep(4)
        for task in asyncio.all_tasks():
            st = task.get_stack()
            names = [f.f_code.co_name for f in st]
            if any(n in ("do_pop", "wait") for n in names) or task is t:
                print("=====", task.get_name())
                task.print_stack(file=sys.stdout)
        import threading
        print([th.name for th in threading.enumerate()])
        t.cancel()
