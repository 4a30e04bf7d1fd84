from django.urls import path

from evidentia.policies import public_views

app_name = "policies_public"
urlpatterns = [
    path("", public_views.policy_list, name="list"),
    path("<slug:slug>/", public_views.detail, name="detail"),
    path("<slug:slug>/v<int:number>/", public_views.detail, name="version"),
    path("<slug:slug>/compare/", public_views.compare, name="compare"),
    path("<slug:slug>/comment/", public_views.comment, name="comment"),
]
