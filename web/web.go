// Package web embeds the portal's templates and static files.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

// Templates holds templates/*.html: layout.html and one file per page.
//
//go:embed templates/*.html
var Templates embed.FS

//go:embed static
var static embed.FS

// StaticFS serves static/ (CSS, scripts, icons).
func StaticFS() http.FileSystem {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded folder exists: a build defect
	}
	return http.FS(sub)
}

// OpenAPI is the API's OpenAPI 3.1 document, served at /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte
