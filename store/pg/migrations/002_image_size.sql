-- 002: the lead image's size in pixels, 0 when it is not known.

ALTER TABLE articles
	ADD COLUMN image_width  integer NOT NULL DEFAULT 0 CHECK (image_width BETWEEN 0 AND 100000),
	ADD COLUMN image_height integer NOT NULL DEFAULT 0 CHECK (image_height BETWEEN 0 AND 100000);
