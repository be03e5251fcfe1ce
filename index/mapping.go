package index

import (
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of an indexed posting. Text fields are what matching reads;
// the rest are filters, facets and the structured signals of ranking.
const (
	FieldType        = "type"        // DocChallenge | DocCapability
	FieldKind        = "kind"        // capability kind; "" for challenges
	FieldTitle       = "title"       // text
	FieldDescription = "description" // text
	FieldKeywords    = "keywords"    // text: given and extracted keywords, technical field
	FieldOrgName     = "org_name"    // text
	FieldOrg         = "org"         // keyword: organisation id
	FieldIndustry    = "industry"    // keyword
	FieldRegion      = "region"      // keyword: region code (duijie.Regions); "" when the reader may not know it
	FieldRegionTier  = "region_tier" // keyword: local | hefei | yrd | other
	FieldModes       = "modes"       // keyword, many
	FieldTRL         = "trl"         // number: TRL of a capability, expected TRL of a challenge
	FieldStatus      = "status"      // keyword
	FieldVisibility  = "visibility"  // keyword
	FieldPosted      = "posted"      // datetime
	FieldDeadline    = "deadline"    // datetime: a challenge's last open day (OpenEnded when it has none)
)

// MappingVersion names the shape of the mapping. An index created with
// another version lacks fields that queries filter on (a filter on a
// field the index never stored matches nothing): Open replaces it with an
// empty one, which the portal's start then fills from the store. Raise it
// whenever NewMapping changes.
const MappingVersion = "2" // 2: deadline

// OpenEnded is the deadline indexed for a challenge without one, so that
// a filter on open postings keeps it (bleve stores dates as nanoseconds
// since 1970: this is well before they run out in 2262).
var OpenEnded = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// TextFields are the fields a match or search reads, in order of strength.
var TextFields = []string{FieldTitle, FieldKeywords, FieldDescription, FieldOrgName}

// challengePrefix names a challenge's text fields in the index: each kind
// of posting has text fields of its own, so a text search of one kind
// needs no type filter (a filter that holds half the index and that a
// query would otherwise have to step through), and term statistics are
// those of the collection searched.
const challengePrefix = "c_"

// physical is the indexed name of a field of a posting of type typ.
func physical(typ, field string) string {
	if typ == DocChallenge {
		for _, f := range TextFields {
			if f == field {
				return challengePrefix + field
			}
		}
	}
	return field
}

// logical is the field name callers know.
func logical(field string) string { return strings.TrimPrefix(field, challengePrefix) }

// Doc types.
const (
	DocChallenge  = "challenge"
	DocCapability = "capability"
)

// NewMapping is the index mapping for analyzer (AnalyzerIndex for the
// product; another analyzer gives the evaluation baselines the same fields).
// Fields are lean: no _all copy, no doc values on text, term vectors only on
// text (highlighting and explanations need their offsets).
func NewMapping(analyzer string) mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = true
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// Filter, facet and signal fields: stored for the blend, doc values for
	// facets and sorting, never in _all.
	filterField := func(f *mapping.FieldMapping) *mapping.FieldMapping {
		f.Store, f.IncludeInAll, f.DocValues, f.IncludeTermVectors = true, false, true, false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, typ := range []string{DocCapability, DocChallenge} {
		doc.AddFieldMappingsAt(physical(typ, FieldTitle), text())
		doc.AddFieldMappingsAt(physical(typ, FieldDescription), text())
		doc.AddFieldMappingsAt(physical(typ, FieldKeywords), text())
		orgName := text()
		orgName.IncludeTermVectors = false
		doc.AddFieldMappingsAt(physical(typ, FieldOrgName), orgName)
	}
	for _, f := range []string{FieldType, FieldKind, FieldOrg, FieldIndustry, FieldRegion, FieldRegionTier, FieldModes, FieldStatus, FieldVisibility} {
		kw := bleve.NewKeywordFieldMapping()
		kw.Analyzer = keyword.Name
		doc.AddFieldMappingsAt(f, filterField(kw))
	}
	doc.AddFieldMappingsAt(FieldTRL, filterField(bleve.NewNumericFieldMapping()))
	doc.AddFieldMappingsAt(FieldPosted, filterField(bleve.NewDateTimeFieldMapping()))
	doc.AddFieldMappingsAt(FieldDeadline, filterField(bleve.NewDateTimeFieldMapping()))

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = "bm25"
	return m
}
