from django.urls import path

from evidentia.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("comments/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("comments/<int:pk>/respond/", views.respond, name="respond"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/periods/", views.open_period, name="open_period"),
]
