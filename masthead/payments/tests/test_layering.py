"""Payments sits below the apps that keep contributions (``project/tests/test_layering.py``
checks its imports); the app that applies webhook events registers its handler
(``registry.event_handler_register``)."""


def test_the_supporters_app_registered_its_handler():
    from masthead.payments.registry import event_handler
    from masthead.supporters.services import payment_event_apply

    assert event_handler() is payment_event_apply
