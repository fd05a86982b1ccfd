from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_admin_urls():
    # Imported when the admin's addresses are built, not at start-up: the views bring in every
    # channel's client (httpx), which builds and commands never use.
    from masthead.channels import views

    return [
        path("channels/pages/<int:page_id>/", views.page_posts, name="channels_page"),
        path(
            "channels/pages/<int:page_id>/post/",
            views.page_post_request,
            name="channels_page_post",
        ),
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "masthead.channels.posted", "Posted to a channel", "Posted to a channel"
    )
    actions.register_action(
        "masthead.channels.post_requested",
        "Post to a channel requested",
        "Asked for a post to a channel",
    )
