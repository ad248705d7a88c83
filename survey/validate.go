package survey

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// validate is the one validator instance of the service. Field errors name the
// JSON field.
var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}()

// Check validates s's struct tags and records Swedish messages in v, with field
// paths as in JSON ("questions[2].prompt").
func Check(v *ValidationError, s any) {
	err := validate.Struct(s)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return
	}
	for _, fe := range verrs {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		}
		v.Add(ns, message(fe))
	}
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "Måste fyllas i"
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Får vara högst %s tecken", fe.Param())
		}
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return fmt.Sprintf("Får ha högst %s värden", fe.Param())
		}
		return fmt.Sprintf("Får vara högst %s", fe.Param())
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Måste vara minst %s tecken", fe.Param())
		}
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			if fe.Param() == "1" {
				return "Måste ha minst ett värde"
			}
			return fmt.Sprintf("Måste ha minst %s värden", fe.Param())
		}
		return fmt.Sprintf("Måste vara minst %s", fe.Param())
	case "oneof":
		return "Måste vara ett av: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "email":
		return "Måste vara en giltig e-postadress"
	case "dive", "unique":
		return "Får inte innehålla dubbletter"
	}
	return "Ogiltigt värde"
}
