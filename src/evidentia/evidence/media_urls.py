"""Playback and derived media (poster, sprite, proxy, waveform, track) for an item."""

urlpatterns: list = []  # type: ignore[type-arg]
