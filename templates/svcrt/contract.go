package svcrt

// Contract returns fn. It is how the generated svcgen_guards.go asserts, at
// compile time, the signature of every function the spec names:
//
//	var _ func(*sql.DB) (http.Handler, error) = svcrt.Contract("[resource.api] handler NewAPI: keep this signature, or change service.toml and run svcgen generate", NewAPI)
//
// remedy is never used: it is there for the compiler to quote when fn no
// longer has the type its line expects (a comment would never be printed).
func Contract[F any](remedy string, fn F) F {
	return fn
}
