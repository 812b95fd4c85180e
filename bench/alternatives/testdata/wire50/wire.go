//go:build wireinject

package wire50

import (
	"context"

	"github.com/google/wire"
)

// InitializeApp is the injector wire generates.
func InitializeApp(ctx context.Context) (*App, func(), error) {
	wire.Build(
		NewN01,
		NewN02,
		NewN03,
		NewN04,
		NewN05,
		NewN06,
		NewN07,
		NewN08,
		NewN09,
		NewN10,
		NewN11,
		NewN12,
		NewN13,
		NewN14,
		NewN15,
		NewN16,
		NewN17,
		NewN18,
		NewN19,
		NewN20,
		NewN21,
		NewN22,
		NewN23,
		NewN24,
		NewN25,
		NewN26,
		NewN27,
		NewN28,
		NewN29,
		NewN30,
		NewN31,
		NewN32,
		NewN33,
		NewN34,
		NewN35,
		NewN36,
		NewN37,
		NewN38,
		NewN39,
		NewN40,
		NewN41,
		NewN42,
		NewN43,
		NewN44,
		NewN45,
		NewN46,
		NewN47,
		NewN48,
		NewN49,
		NewApp,
	)
	return nil, nil, nil
}
