"""关于: versions, kiosk id, service point, disk space, uptime."""

from __future__ import annotations

from PySide6 import __version__ as qt_version

from kiosk import __version__
from kiosk.maintenance.about import about_facts
from kiosk.technician import summary
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.widgets import big_button, label


class AboutPanel(Panel):
    """Facts about this kiosk, one per line."""

    tab = "about"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        self.body.addWidget(label("techAboutHeading", tr("tech_about.heading"), role="heading"))
        self.facts = label("techAboutFacts", "")
        self.body.addWidget(self.facts)
        # A new release from a copied repository on a USB stick: kiosk-update.service (root) mounts the
        # stick, checks the signature like the network repository, installs, waits for health, rolls back.
        self.usb_update = big_button("techUsbUpdate", tr("tech_about.usb_update"), role="primary")
        self.usb_update.clicked.connect(self.request_usb_update)
        self.body.addWidget(self.usb_update)
        self.usb_result = label("techUsbUpdateResult", "")
        self.body.addWidget(self.usb_result)
        self.body.addStretch(1)

    def refresh(self) -> None:
        core = self.env.core
        settings = core.settings
        started = core.sync.started_at if core.sync is not None else self.env.now()

        def work() -> list[tuple[str, str]]:
            revision = core.database.revision() if core.database is not None else None
            return about_facts(settings, app_version=__version__, started_at=started, now=self.env.now(),
                               schema_revision=revision,
                               technicians=summary(settings.technician_pin_hashes)["technicians"],
                               profile_title=core.catalogue.profile.title, qt_version=qt_version)

        self.run(work, self._show, busy=None)

    def _show(self, facts: list[tuple[str, str]]) -> None:
        text = "\n".join(tr("tech_about.line", name=tr(f"tech_about.{k}"), value=v) for k, v in facts)
        self.facts.setText(text)
        self.facts.setAccessibleName(text)

    def request_usb_update(self) -> None:
        """Leave the request for kiosk-update.path (the kiosk itself cannot run apt)."""
        status = self.env.core.run_status
        if not status.enabled:
            text = tr("tech_about.usb_update_unavailable")
        else:
            status.request_media_update(None)
            self.env.audit("usb_update_requested", {})
            text = tr("tech_about.usb_update_requested")
        self.usb_result.setText(text)
        self.usb_result.setAccessibleName(text)
