"""Where the portal's province lies: a bounding box (south, west, north, east in degrees) per province code,
used to refuse a pin placed outside the province and to centre the maps.

A box is coarse (it takes in a strip of the neighbouring provinces and countries along a slanted border)
but needs no boundary data; a province that wants its exact border can set ``PORTAL_PROVINCE_BBOX`` to a
tighter box. Provinces without a box here must set it, or pins are not checked (see ``province_bbox``)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)


# Extents from the provinces' official descriptions, rounded outwards by about 5 km.
KNOWN_BOXES: dict[int, BoundingBox] = {
    11: BoundingBox(south=20.85, west=102.10, north=22.60, east=103.65),  # Điện Biên: 20°54'-22°33'N, 102°10'-103°36'E
    1: BoundingBox(south=20.53, west=105.28, north=21.39, east=106.03),  # Hà Nội
}


def province_bbox() -> BoundingBox | None:
    """The box of the portal's province: the ``PORTAL_PROVINCE_BBOX`` setting ("south,west,north,east") when
    given, else the known box of ``PORTAL_PROVINCE_CODE``, else None."""
    raw = getattr(settings, "PORTAL_PROVINCE_BBOX", "") or ""
    if raw:
        south, west, north, east = (float(part) for part in raw.split(","))
        return BoundingBox(south=south, west=west, north=north, east=east)
    return KNOWN_BOXES.get(settings.PORTAL_PROVINCE_CODE)
