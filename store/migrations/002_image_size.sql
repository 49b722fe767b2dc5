-- 002: the lead image's size in pixels, 0 when it is not known.

ALTER TABLE articles ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;
