//! Full-text matches: `tsvector` on PostgreSQL, FTS5's bm25 on SQLite.

use super::*;

impl Store {
    /// The chunks best matching `terms` by full text, best first, with their cosine similarity
    /// to `query` when they have a vector of `model`. `terms` are plain words.
    ///
    /// Passages matching at least two of the terms come first; passages matching any one fill
    /// the remaining places. Ranking every passage that contains one common word is what makes
    /// full-text search slow on large corpora, and the two-term pass rarely leaves places to
    /// fill when the words are common.
    pub async fn text_matches(
        &self,
        app_id: &str,
        filter: PassageFilter<'_>,
        terms: &[String],
        model: &str,
        query: Option<&[f32]>,
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let (small_app, terms) = match self {
            Store::Sqlite(..) => (false, terms.to_vec()),
            Store::Postgres(pool) => postgres_text_plan(pool, app_id, terms).await?,
        };
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        if terms.len() >= 2 {
            found = self
                .ranked_text_matches(
                    app_id,
                    filter,
                    &TextQuery::AnyTwo(&terms),
                    small_app,
                    model,
                    query,
                    limit,
                )
                .await?;
        }
        if (found.len() as i64) < limit {
            let any = self
                .ranked_text_matches(
                    app_id,
                    filter,
                    &TextQuery::Any(&terms),
                    small_app,
                    model,
                    query,
                    limit,
                )
                .await?;
            for candidate in any {
                if (found.len() as i64) < limit
                    && !found
                        .iter()
                        .any(|f: &Candidate| f.chunk_id == candidate.chunk_id)
                {
                    found.push(candidate);
                }
            }
        }
        Ok(found)
    }

    #[allow(clippy::too_many_arguments)]
    async fn ranked_text_matches(
        &self,
        app_id: &str,
        filter: PassageFilter<'_>,
        text_query: &TextQuery<'_>,
        small_app: bool,
        model: &str,
        query: Option<&[f32]>,
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        match self {
            Store::Sqlite(crate::SqlitePools { reads: pool, .. }) => {
                // `rank` is bm25 weighting title and heading above the body (lower is better;
                // see the migration).
                let rows: Vec<(String, Option<Vec<u8>>, Option<String>)> = sqlx::query_as(
                    "SELECT c.id, c.embedding, c.embedding_model FROM knowledge_chunks_fts f \
                     JOIN knowledge_chunks c ON c.seq = f.rowid \
                     WHERE knowledge_chunks_fts MATCH $1 AND c.app_id = $2 \
                     AND ($3 IS NULL OR c.category = $3) AND c.audience >= $5 \
                     ORDER BY f.rank LIMIT $4",
                )
                .bind(text_query.fts5())
                .bind(app_id)
                .bind(filter.category)
                .bind(limit)
                .bind(filter.audience.least_level())
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(chunk_id, embedding, chunk_model)| {
                        let similarity = match (query, embedding) {
                            (Some(query), Some(bytes)) if chunk_model.as_deref() == Some(model) => {
                                Some(dot(query, &vector_from_bytes(&bytes)))
                            }
                            _ => None,
                        };
                        Candidate::new(chunk_id, similarity)
                    })
                    .collect())
            }
            Store::Postgres(pool) => {
                // The terms are the English configuration's lexemes (`postgres_text_plan`). Plain
                // ts_rank ranked the labelled set better than cover density (ts_rank_cd). Only
                // so many matches are ranked (`max_ranked`): passages of common words can
                // number tens of thousands, each read from the heap to be ranked, while the
                // keyword matches full text is for (names, codes) are rare words. Similarity
                // is computed for the ranked few only. Matches are ranked by their words alone
                // (`a | b | c`): the pairs expression costs more per row and ranks no better.
                // A small app's rows are read first (materialised, so the planner cannot turn
                // back to the GIN), and matched among themselves: through the GIN, a common
                // word's matches in every app would be read and filtered.
                let passages = if small_app {
                    "app_passages AS MATERIALIZED (SELECT id, category, audience, search_text \
                     FROM knowledge_chunks WHERE app_id = $2), "
                } else {
                    "app_passages AS (SELECT id, category, audience, search_text \
                     FROM knowledge_chunks WHERE app_id = $2), "
                };
                let sql = format!(
                    "WITH query AS (SELECT $1::tsquery AS q, $8::tsquery AS words), {passages}\
                     matched AS (SELECT c.id, c.search_text FROM app_passages c, query \
                     WHERE c.search_text @@ query.q \
                     AND ($3::text IS NULL OR c.category = $3) AND c.audience >= $9 LIMIT $7), \
                     ranked AS (SELECT m.id, ts_rank(m.search_text, query.words) AS rank \
                     FROM matched m, query ORDER BY rank DESC, m.id LIMIT $6) \
                     SELECT r.id, CASE WHEN $5::vector IS NOT NULL AND c.embedding_model = $4 \
                     AND c.embedding_dims = vector_dims($5::vector) \
                     THEN 1 - (c.embedding <=> $5::vector) END \
                     FROM ranked r JOIN knowledge_chunks c ON c.id = r.id \
                     ORDER BY r.rank DESC, r.id"
                );
                let rows: Vec<(String, Option<f64>)> = sqlx::query_as(&sql)
                    .bind(text_query.tsquery())
                    .bind(app_id)
                    .bind(filter.category)
                    .bind(model)
                    .bind(query.map(|q| pgvector::Vector::from(q.to_vec())))
                    .bind(limit)
                    .bind(text_query.max_ranked())
                    .bind(text_query.words())
                    .bind(filter.audience.least_level())
                    .fetch_all(pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(chunk_id, similarity)| Candidate::new(chunk_id, similarity))
                    .collect())
            }
        }
    }

    /// The app's chunks with these ids, in no particular order.
    pub async fn chunks_by_ids(
        &self,
        app_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<ChunkRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // IN-lists differ: PostgreSQL binds an array, SQLite one placeholder per id.
        match self {
            Store::Sqlite(crate::SqlitePools { reads: pool, .. }) => {
                let placeholders = (0..ids.len())
                    .map(|i| format!("${}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE app_id = $1 \
                     AND id IN ({placeholders})"
                );
                let mut query = sqlx::query_as::<_, ChunkRecord>(&sql).bind(app_id);
                for id in ids {
                    query = query.bind(id);
                }
                Ok(query.fetch_all(pool).await?)
            }
            Store::Postgres(pool) => {
                let sql = format!(
                    "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE app_id = $1 \
                     AND id = ANY($2)"
                );
                Ok(sqlx::query_as::<_, ChunkRecord>(&sql)
                    .bind(app_id)
                    .bind(ids)
                    .fetch_all(pool)
                    .await?)
            }
        }
    }
}

/// Whether the app has at most [`SMALL_APP_MAX_CHUNKS`] passages (counted no further than that,
/// through the btree on `app_id`), and the terms as the English configuration's lexemes, in the
/// query's order: stemmed, without its stopwords, each once. A term the configuration drops would
/// otherwise leave its pairs as single words (`will & refund` is `refund`), and the two-term
/// pass would match, and rank, every passage with any one of them.
async fn postgres_text_plan(
    pool: &sqlx::PgPool,
    app_id: &str,
    terms: &[String],
) -> StoreResult<(bool, Vec<String>)> {
    let (count, lexemes): (i64, Vec<String>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM knowledge_chunks WHERE app_id = $1 \
         LIMIT $2) AS bounded), \
         ARRAY(SELECT lexeme FROM unnest(to_tsvector('english', $3)) ORDER BY positions[1])",
    )
    .bind(app_id)
    .bind(SMALL_APP_MAX_CHUNKS + 1)
    .bind(terms.join(" "))
    .fetch_one(pool)
    .await?;
    Ok((count <= SMALL_APP_MAX_CHUNKS, lexemes))
}

/// Full-text matches ranked per query on PostgreSQL (see `ranked_text_matches`): two-word
/// matches, and the one-word matches that only fill remaining places.
const MAX_RANKED_PAIR_MATCHES: i64 = 500;
const MAX_RANKED_WORD_MATCHES: i64 = 250;

/// Terms past this many are left out of the two-term pass.
const MAX_PAIRED_TERMS: usize = 6;

/// A full-text match over plain words, written in each dialect's syntax.
enum TextQuery<'a> {
    /// Any of the words.
    Any(&'a [String]),
    /// Any two of the words.
    AnyTwo(&'a [String]),
}

impl TextQuery<'_> {
    /// The match with each word quoted by `quote`: `a | b | c` for any word, and for any two
    /// `(a & (b | c)) | (b & (c))`. The index checks this nested form against every passage
    /// holding one of the words, with half the operands of the list of pairs.
    fn render(&self, quote: fn(&str) -> String, and: &str, or: &str) -> String {
        let any = |words: &[String]| {
            words
                .iter()
                .map(|w| quote(w))
                .collect::<Vec<_>>()
                .join(&format!(" {or} "))
        };
        match self {
            TextQuery::Any(terms) => any(terms),
            TextQuery::AnyTwo(terms) => {
                let terms = &terms[..terms.len().min(MAX_PAIRED_TERMS)];
                (0..terms.len().saturating_sub(1))
                    .map(|i| format!("({} {and} ({}))", quote(&terms[i]), any(&terms[i + 1..])))
                    .collect::<Vec<_>>()
                    .join(&format!(" {or} "))
            }
        }
    }

    fn max_ranked(&self) -> i64 {
        match self {
            TextQuery::Any(_) => MAX_RANKED_WORD_MATCHES,
            TextQuery::AnyTwo(_) => MAX_RANKED_PAIR_MATCHES,
        }
    }

    /// FTS5, each word a quoted string.
    fn fts5(&self) -> String {
        self.render(|w| format!("\"{}\"", w.replace('"', "")), "AND", "OR")
    }

    /// A `tsquery` of lexemes, each quoted (with quotes and backslashes doubled) so that
    /// nothing in it is read as an operator.
    fn tsquery(&self) -> String {
        self.render(
            |w| format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''")),
            "&",
            "|",
        )
    }

    /// A `tsquery` of any of the words, to rank with.
    fn words(&self) -> String {
        match self {
            TextQuery::Any(terms) | TextQuery::AnyTwo(terms) => TextQuery::Any(terms).tsquery(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn any_two_nests_each_word_with_the_ones_after_it() {
        let terms = words(&["refund", "gift", "card"]);
        assert_eq!(
            TextQuery::AnyTwo(&terms).tsquery(),
            "('refund' & ('gift' | 'card')) | ('gift' & ('card'))"
        );
        assert_eq!(
            TextQuery::AnyTwo(&terms).fts5(),
            "(\"refund\" AND (\"gift\" OR \"card\")) OR (\"gift\" AND (\"card\"))"
        );
        assert_eq!(TextQuery::Any(&terms).words(), "'refund' | 'gift' | 'card'");
    }

    #[test]
    fn any_two_pairs_only_the_first_terms() {
        let terms = words(&["a", "b", "c", "d", "e", "f", "g"]);
        let query = TextQuery::AnyTwo(&terms).tsquery();
        assert!(query.starts_with("('a' & ('b' | 'c' | 'd' | 'e' | 'f'))"));
        assert!(query.ends_with("('e' & ('f'))"));
        assert!(!query.contains("'g'"));
    }

    #[test]
    fn quotes_cannot_close_a_lexeme() {
        let terms = words(&["it's", "a\\b"]);
        assert_eq!(TextQuery::Any(&terms).tsquery(), "'it''s' | 'a\\\\b'");
        assert_eq!(TextQuery::Any(&terms).fts5(), "\"it's\" OR \"a\\b\"");
    }
}
