package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryAuditActionHasALabel reads every package under internal/ for
// string constants named Audit… (the actions services write to the audit
// log) and requires a Chinese name for each in auditLabels, so that the
// auditor's page never shows a code.
func TestEveryAuditActionHasALabel(t *testing.T) {
	fset := token.NewFileSet()
	var missing []string
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Audit") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					action, _ := strconv.Unquote(lit.Value)
					n++
					if _, ok := auditLabels[action]; !ok {
						missing = append(missing, path+": "+name.Name+" = "+lit.Value)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("found only %d audit actions: the walk missed the services", n)
	}
	for _, m := range missing {
		t.Errorf("no Chinese name in auditLabels for %s", m)
	}
}
