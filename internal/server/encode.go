package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"folio/article"
	"folio/internal/wire"
)

// writeError answers with the error's status (wire.Status, the one
// mapping of codes to statuses) and {"error": message}.
// Internal errors are logged and shown to the user as "Internal error.".
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	code := article.Code(err)
	switch code {
	case article.EINTERNAL:
		logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	case article.EUNAVAILABLE:
		logger.Warn("database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "2")
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, wire.Status(code), wire.Error{Error: article.Message(err)})
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"Internal error."}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// decodeJSON reads a JSON request body into v. It insists on a JSON
// content type, at most limit bytes, valid UTF-8, no unknown fields and a
// single value, and says which rule the body broke.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body, err := readJSONBody(w, r, limit)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return article.Errorf(article.EINVALID, "malformed JSON: %s", jsonErrorText(err))
	}
	if dec.More() {
		return article.Errorf(article.EINVALID, "malformed JSON: more than one value in the body")
	}
	return nil
}

// readJSONBody returns a request body that is declared as JSON, at most
// limit bytes long and valid UTF-8, or an error saying which it is not.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, article.Errorf(article.EUNSUPPORTED, "send the body as Content-Type: application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, article.Errorf(article.ETOOLARGE, "request body is larger than %d bytes", limit)
		}
		return nil, article.Errorf(article.EINVALID, "reading the request body: %v", err)
	}
	if !utf8.Valid(body) {
		return nil, article.Errorf(article.EINVALID, "request body is not valid UTF-8")
	}
	return body, nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %v, not %s", te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends too soon"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
