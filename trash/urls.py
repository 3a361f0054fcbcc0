from django.urls import path

from trash import views

app_name = "trash"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:entry_id>/gendan/", views.restore_page, name="restore"),
    path("<int:entry_id>/slet/", views.delete_page, name="delete"),
]
