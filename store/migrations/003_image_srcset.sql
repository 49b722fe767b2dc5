-- 003: the lead image's other widths, in HTML's srcset syntax
-- ("https://e.com/a-320.jpg 320w, https://e.com/a-640.jpg 640w"), narrowest
-- first; '' when the source offered none.

ALTER TABLE articles ADD COLUMN image_srcset TEXT NOT NULL DEFAULT '';
