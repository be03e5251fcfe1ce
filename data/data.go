// Package data embeds the reference data shipped with Duijie: the segmentation
// dictionaries, stop words and synonyms (dict/), and the demo set (demo/).
package data

import "embed"

// Dict holds dict/: gse_zh_s.txt (gse's simplified dictionary, pruned),
// domain.txt, stopwords.txt and synonyms.txt. See dict/NOTICE.md.
//
//go:embed dict/*.txt
var Dict embed.FS

// Demo holds demo/: organisations, challenges and capabilities as JSON Lines.
//
//go:embed demo/*.jsonl
var Demo embed.FS
