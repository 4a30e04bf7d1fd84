"""Playback and derived media (poster, sprite, proxy, waveform, track) for an item."""

from django.urls import path

from evidentia.evidence import media_views as v

urlpatterns = [
    path("<uuid:item_id>/stream", v.stream, name="stream"),
    path("<uuid:item_id>/poster.jpg", v.poster, name="poster"),
    path("<uuid:item_id>/sprite.jpg", v.sprite, name="sprite"),
    path("<uuid:item_id>/sprite.json", v.sprite_meta, name="sprite_meta"),
    path("<uuid:item_id>/waveform.json", v.waveform, name="waveform"),
    path("<uuid:item_id>/track.geojson", v.track, name="track"),
    path("<uuid:item_id>/jobs.json", v.jobs, name="jobs"),
    path("<uuid:item_id>/jobs/<slug:kind>/retry", v.retry_job, name="retry_job"),
]
