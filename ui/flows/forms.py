"""Register and apply: every form that ends in a submission to the outbox (routes, and open_form for 我的办件)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kiosk.catalogue import ItemUnavailable, ServiceItem
from ui.context import UiContext
from ui.flows.form_page import FormPage
from ui.router import Router
from ui.text import tr

log = logging.getLogger(__name__)


def build_form_page(ctx: UiContext, item: ServiceItem, prefill: Mapping[str, Any] | None = None) -> FormPage:
    """The form page of a catalogue item (KeyError when the item has no form definition)."""
    form = ctx.forms[item.id]
    return FormPage(ctx, item, form, open_item=lambda target: open_form(ctx, target), prefill=prefill)


def open_form(ctx: UiContext, item: ServiceItem, prefill: dict[str, Any] | None = None) -> None:
    """Open an item's form, answers prefilled (field id → value), e.g. to resubmit a rejected case.

    A form page already open for the item is replaced (a fresh start). The resident still goes through
    the gates, the own confirmation and the review before anything is submitted.
    """
    if item.id not in ctx.forms:
        log.warning("no form for item %s (%s)", item.id, item.code)
        ctx.overlay.failure(tr("overlay.not_available"))
        return
    ctx.show(_fresh_form_page(ctx, item, prefill))


def register(router: Router) -> None:
    """A route per form item of the catalogue (items switched off on this kiosk are skipped)."""
    catalogue = router.ctx.catalogue
    for item_id in router.ctx.forms:
        try:
            item = catalogue.item(item_id)
        except ItemUnavailable:
            log.info("form item %s is switched off on this kiosk", item_id)
            continue
        router.register(item.code, lambda ctx, it: _route(ctx, it), variant=item.variant)


def _route(ctx: UiContext, item: ServiceItem) -> FormPage:
    return _fresh_form_page(ctx, item)  # start afresh each time the item is chosen


def _fresh_form_page(ctx: UiContext, item: ServiceItem, prefill: dict[str, Any] | None = None) -> FormPage:
    """A new form page for the item, in place of one already open for it."""
    page_id = f"form_{item.id}"
    try:
        ctx.window.page(page_id)
    except KeyError:
        pass
    else:
        ctx.window.remove_page(page_id)
    return build_form_page(ctx, item, prefill)
