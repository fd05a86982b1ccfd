from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import ListingButton


@hooks.register("register_user_listing_buttons")
def reset_second_factors_button(user, request_user):
    # Imported on the users' listing, not at start-up: the sign-in views bring in the QR-code
    # library, which builds and commands never use.
    from masthead.accounts.views import user_can_reset_second_factors

    if user_can_reset_second_factors(request_user):
        yield ListingButton(
            "Reset second factors",
            reverse("accounts:reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )


@hooks.register("register_account_menu_item")
def second_factors_menu_item(request):
    return {
        "url": reverse("accounts:manage"),
        "label": "Second factors",
        "help_text": "Your passkeys, authenticator apps and recovery codes.",
    }
