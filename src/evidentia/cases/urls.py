"""Case pages, and the item panel's form targets."""

from django.urls import path

from evidentia.cases import item_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/details", views.case_update, name="update"),
    path("<uuid:case_id>/status", views.case_status, name="status"),
    path("<uuid:case_id>/members/add", views.member_add, name="member_add"),
    path("<uuid:case_id>/members/remove", views.member_remove, name="member_remove"),
    path("<uuid:case_id>/items/link", views.item_link, name="link"),
    path("<uuid:case_id>/items/unlink", views.item_unlink, name="unlink"),
    path("<uuid:case_id>/notes", views.note_add, name="note"),
    path("items/<uuid:item_id>/panel", item_views.panel, name="item_panel"),
    path("items/<uuid:item_id>/tags/add", item_views.tag_add, name="item_tag"),
    path("items/<uuid:item_id>/tags/remove", item_views.tag_remove, name="item_untag"),
    path("items/<uuid:item_id>/notes", item_views.note_add, name="item_note"),
    path("items/<uuid:item_id>/cases", item_views.case_link, name="item_case"),
]
