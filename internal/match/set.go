package match

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Set changes one weight by its field name (case-insensitive), for tuning
// runs of `duijie eval --set Name=value`.
func (w *Weights) Set(name, value string) error {
	v := reflect.ValueOf(w).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if !strings.EqualFold(t.Field(i).Name, name) {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Type() == reflect.TypeOf(time.Duration(0)):
			d, err := time.ParseDuration(value)
			if err != nil {
				return fmt.Errorf("weight %s: %v", name, err)
			}
			f.SetInt(int64(d))
		case f.Kind() == reflect.Float64:
			x, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return fmt.Errorf("weight %s: %q is not a number", name, value)
			}
			f.SetFloat(x)
		case f.Kind() == reflect.Int:
			x, err := strconv.Atoi(value)
			if err != nil {
				return fmt.Errorf("weight %s: %q is not a whole number", name, value)
			}
			f.SetInt(int64(x))
		}
		return nil
	}
	return fmt.Errorf("no weight named %q", name)
}
