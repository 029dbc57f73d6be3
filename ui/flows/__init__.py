"""Resident flows; each module registers its item screens with the router (`register(router)`)."""
