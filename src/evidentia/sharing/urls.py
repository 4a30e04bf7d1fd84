from django.urls import include, path

from evidentia.sharing import external_views, share_views, views

app_name = "sharing"

urlpatterns = [
    path("case/<uuid:case_id>", views.export_case, name="export_case"),
    path("item/<uuid:item_id>", views.export_item, name="export_item"),
    path("records/", include("evidentia.sharing.records_urls")),
    # Shares with prosecutors (share_views.py).
    path("shares/", share_views.index, name="shares"),
    path("shares/new/case/<uuid:case_id>", share_views.new_case_share, name="share_case"),
    path("shares/new/item/<uuid:item_id>", share_views.new_item_share, name="share_item"),
    path("shares/<uuid:share_id>", share_views.share, name="share"),
    path("shares/<uuid:share_id>/revoke", share_views.revoke, name="revoke_share"),
    path(
        "shares/<uuid:share_id>/authenticator/reset",
        share_views.reset_authenticator,
        name="reset_authenticator",
    ),
    path("shares/<uuid:share_id>/download", share_views.download, name="share_download"),
    path(
        "shares/<uuid:share_id>/item/<uuid:item_id>/stream",
        share_views.stream,
        name="share_stream",
    ),
    path(
        "shares/<uuid:share_id>/item/<uuid:item_id>/copy",
        share_views.copy_status,
        name="share_copy_status",
    ),
    path(
        "shares/<uuid:share_id>/item/<uuid:item_id>/copy/retry",
        share_views.copy_retry,
        name="share_copy_retry",
    ),
    # External recipients: a secret link plus a one-time code (external_views.py).
    path("shared/<str:token>", external_views.open_link, name="external"),
    path("shared/<str:token>/code", external_views.new_code, name="external_code"),
    path("shared/<str:token>/download", external_views.download, name="external_download"),
    # An authenticator app instead of e-mailed codes (decision 0032).
    path("shared/<str:token>/authenticator", external_views.app_setup, name="external_app"),
    path(
        "shared/<str:token>/authenticator/confirm",
        external_views.app_confirm,
        name="external_app_confirm",
    ),
    path(
        "shared/<str:token>/authenticator/remove",
        external_views.app_remove,
        name="external_app_remove",
    ),
    path(
        "shared/<str:token>/item/<uuid:item_id>/stream",
        external_views.stream,
        name="external_stream",
    ),
    path(
        "shared/<str:token>/item/<uuid:item_id>/copy",
        external_views.copy_status,
        name="external_copy_status",
    ),
    path(
        "shared/<str:token>/item/<uuid:item_id>/copy/retry",
        external_views.copy_retry,
        name="external_copy_retry",
    ),
]
