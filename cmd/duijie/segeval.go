package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"duijie/index"
)

func runSegEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("segeval", flag.ContinueOnError)
	gold := fs.String("gold", "", "icwb2 gold file (words separated by spaces), e.g. ../shared/datasets/icwb2/gold/pku_test_gold.utf8")
	train := fs.String("words", "", "training word list for OOV recall, e.g. .../pku_training_words.utf8")
	lexName := fs.String("lexicon", index.LexiconDomain, "lexicon: domain (the product) or plain (gse's dictionary alone)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *gold == "" {
		fmt.Fprintln(stderr, "segeval needs --gold FILE")
		fs.Usage()
		return errUsage
	}
	lex, err := index.LoadLexicon(*lexName)
	if err != nil {
		return err
	}
	var words map[string]bool
	if *train != "" {
		f, err := os.Open(*train)
		if err != nil {
			return err
		}
		words, err = index.ReadWordList(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	f, err := os.Open(*gold)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := index.ScoreSegmentation(f, words, lex.Cut)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sentences %d  gold words %d  segmented %d\nP %.4f  R %.4f  F1 %.4f  OOV recall %.4f\n",
		s.Sentences, s.Gold, s.Found, s.Precision, s.Recall, s.F1, s.OOVRecall)
	return nil
}
