-- 003: the lead image's other widths, in HTML's srcset syntax
-- ("https://e.com/a-320.jpg 320w, https://e.com/a-640.jpg 640w"), narrowest
-- first; '' when the source offered none. At most 16 candidates of 2048
-- bytes each, with their descriptors and separators.

ALTER TABLE articles
	ADD COLUMN image_srcset text NOT NULL DEFAULT '' CHECK (length(image_srcset) <= 33000);
