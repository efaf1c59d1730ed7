"""The inspector workspace in the Wagtail admin (``cases.admin.*`` modules, wired up in
``cases/wagtail_hooks.py``). Reference data has one admin, the Wagtail one
(``cases.admin.reference_data``), whose screens call the same services as the commands
(``calendar_services`` for the calendar, ``roles`` for memberships); nothing is registered in the
Django admin."""
