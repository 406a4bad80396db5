-- Full-text search documents, kept current by the database itself: keys and
-- titles weigh most, then the body text. English stemming for prose, the
-- simple configuration for keys (no stemming of PAY-12).

-- array_to_string is only STABLE in general, but for text[] it is immutable.
CREATE FUNCTION specline_words(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT array_to_string($1, '' '')';
ALTER TABLE "Requirement" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', coalesce("key", '')), 'A') ||
  setweight(to_tsvector('english', coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english', coalesce("statement", '')), 'B') ||
  setweight(to_tsvector('english', coalesce(specline_words("tags"), '')), 'C')
) STORED;

ALTER TABLE "Issue" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', coalesce("key", '')), 'A') ||
  setweight(to_tsvector('english', coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english', coalesce("description", '')), 'B') ||
  setweight(to_tsvector('english', coalesce(specline_words("labels"), '')), 'C')
) STORED;

CREATE INDEX "Requirement_searchVector_idx" ON "Requirement" USING GIN ("searchVector");
CREATE INDEX "Issue_searchVector_idx" ON "Issue" USING GIN ("searchVector");
