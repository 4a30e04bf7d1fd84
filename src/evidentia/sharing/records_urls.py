from django.urls import path

from evidentia.sharing import records_views

urlpatterns = [
    path("", records_views.index, name="records"),
    path("new", records_views.new, name="records_new"),
    path("<uuid:request_id>", records_views.detail, name="records_detail"),
    path("<uuid:request_id>/assign", records_views.assign, name="records_assign"),
    path("<uuid:request_id>/attach", records_views.attach, name="records_attach"),
    path("<uuid:request_id>/fulfil", records_views.fulfil, name="records_fulfil"),
    path("<uuid:request_id>/close", records_views.close, name="records_close"),
    path("<uuid:request_id>/remove", records_views.remove, name="records_remove"),
    path("<uuid:request_id>/send-link", records_views.send_link, name="records_send_link"),
    path("<uuid:request_id>/reissue", records_views.reissue, name="records_reissue"),
]
