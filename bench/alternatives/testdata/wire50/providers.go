// Package wire50 is a provider graph of 50 nodes in five levels (16, 14,
// 10, 6 and 3 resources, then the app), shaped like golden/large: every
// resource is opened from its dependencies and has a close, as a service's
// resources do. bench/alternatives times wire generating its injector.
package wire50

import "context"

// N01 is one resource.
type N01 struct{ deps int }

// NewN01 opens N01 from its dependencies.
func NewN01(ctx context.Context) (*N01, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N01{deps: 0}, func() {}, nil
}

// N02 is one resource.
type N02 struct{ deps int }

// NewN02 opens N02 from its dependencies.
func NewN02(ctx context.Context) (*N02, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N02{deps: 0}, func() {}, nil
}

// N03 is one resource.
type N03 struct{ deps int }

// NewN03 opens N03 from its dependencies.
func NewN03(ctx context.Context) (*N03, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N03{deps: 0}, func() {}, nil
}

// N04 is one resource.
type N04 struct{ deps int }

// NewN04 opens N04 from its dependencies.
func NewN04(ctx context.Context) (*N04, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N04{deps: 0}, func() {}, nil
}

// N05 is one resource.
type N05 struct{ deps int }

// NewN05 opens N05 from its dependencies.
func NewN05(ctx context.Context) (*N05, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N05{deps: 0}, func() {}, nil
}

// N06 is one resource.
type N06 struct{ deps int }

// NewN06 opens N06 from its dependencies.
func NewN06(ctx context.Context) (*N06, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N06{deps: 0}, func() {}, nil
}

// N07 is one resource.
type N07 struct{ deps int }

// NewN07 opens N07 from its dependencies.
func NewN07(ctx context.Context) (*N07, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N07{deps: 0}, func() {}, nil
}

// N08 is one resource.
type N08 struct{ deps int }

// NewN08 opens N08 from its dependencies.
func NewN08(ctx context.Context) (*N08, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N08{deps: 0}, func() {}, nil
}

// N09 is one resource.
type N09 struct{ deps int }

// NewN09 opens N09 from its dependencies.
func NewN09(ctx context.Context) (*N09, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N09{deps: 0}, func() {}, nil
}

// N10 is one resource.
type N10 struct{ deps int }

// NewN10 opens N10 from its dependencies.
func NewN10(ctx context.Context) (*N10, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N10{deps: 0}, func() {}, nil
}

// N11 is one resource.
type N11 struct{ deps int }

// NewN11 opens N11 from its dependencies.
func NewN11(ctx context.Context) (*N11, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N11{deps: 0}, func() {}, nil
}

// N12 is one resource.
type N12 struct{ deps int }

// NewN12 opens N12 from its dependencies.
func NewN12(ctx context.Context) (*N12, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N12{deps: 0}, func() {}, nil
}

// N13 is one resource.
type N13 struct{ deps int }

// NewN13 opens N13 from its dependencies.
func NewN13(ctx context.Context) (*N13, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N13{deps: 0}, func() {}, nil
}

// N14 is one resource.
type N14 struct{ deps int }

// NewN14 opens N14 from its dependencies.
func NewN14(ctx context.Context) (*N14, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N14{deps: 0}, func() {}, nil
}

// N15 is one resource.
type N15 struct{ deps int }

// NewN15 opens N15 from its dependencies.
func NewN15(ctx context.Context) (*N15, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N15{deps: 0}, func() {}, nil
}

// N16 is one resource.
type N16 struct{ deps int }

// NewN16 opens N16 from its dependencies.
func NewN16(ctx context.Context) (*N16, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N16{deps: 0}, func() {}, nil
}

// N17 is one resource.
type N17 struct{ deps int }

// NewN17 opens N17 from its dependencies.
func NewN17(ctx context.Context, n01 *N01, n15 *N15, n02 *N02) (*N17, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N17{deps: 3}, func() {}, nil
}

// N18 is one resource.
type N18 struct{ deps int }

// NewN18 opens N18 from its dependencies.
func NewN18(ctx context.Context, n02 *N02, n16 *N16, n03 *N03) (*N18, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N18{deps: 3}, func() {}, nil
}

// N19 is one resource.
type N19 struct{ deps int }

// NewN19 opens N19 from its dependencies.
func NewN19(ctx context.Context, n03 *N03, n04 *N04) (*N19, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N19{deps: 2}, func() {}, nil
}

// N20 is one resource.
type N20 struct{ deps int }

// NewN20 opens N20 from its dependencies.
func NewN20(ctx context.Context, n04 *N04, n05 *N05) (*N20, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N20{deps: 2}, func() {}, nil
}

// N21 is one resource.
type N21 struct{ deps int }

// NewN21 opens N21 from its dependencies.
func NewN21(ctx context.Context, n05 *N05, n06 *N06) (*N21, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N21{deps: 2}, func() {}, nil
}

// N22 is one resource.
type N22 struct{ deps int }

// NewN22 opens N22 from its dependencies.
func NewN22(ctx context.Context, n06 *N06, n07 *N07) (*N22, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N22{deps: 2}, func() {}, nil
}

// N23 is one resource.
type N23 struct{ deps int }

// NewN23 opens N23 from its dependencies.
func NewN23(ctx context.Context, n07 *N07, n08 *N08) (*N23, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N23{deps: 2}, func() {}, nil
}

// N24 is one resource.
type N24 struct{ deps int }

// NewN24 opens N24 from its dependencies.
func NewN24(ctx context.Context, n08 *N08, n09 *N09) (*N24, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N24{deps: 2}, func() {}, nil
}

// N25 is one resource.
type N25 struct{ deps int }

// NewN25 opens N25 from its dependencies.
func NewN25(ctx context.Context, n09 *N09, n10 *N10) (*N25, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N25{deps: 2}, func() {}, nil
}

// N26 is one resource.
type N26 struct{ deps int }

// NewN26 opens N26 from its dependencies.
func NewN26(ctx context.Context, n10 *N10, n11 *N11) (*N26, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N26{deps: 2}, func() {}, nil
}

// N27 is one resource.
type N27 struct{ deps int }

// NewN27 opens N27 from its dependencies.
func NewN27(ctx context.Context, n11 *N11, n12 *N12) (*N27, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N27{deps: 2}, func() {}, nil
}

// N28 is one resource.
type N28 struct{ deps int }

// NewN28 opens N28 from its dependencies.
func NewN28(ctx context.Context, n12 *N12, n13 *N13) (*N28, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N28{deps: 2}, func() {}, nil
}

// N29 is one resource.
type N29 struct{ deps int }

// NewN29 opens N29 from its dependencies.
func NewN29(ctx context.Context, n13 *N13, n14 *N14) (*N29, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N29{deps: 2}, func() {}, nil
}

// N30 is one resource.
type N30 struct{ deps int }

// NewN30 opens N30 from its dependencies.
func NewN30(ctx context.Context, n14 *N14, n15 *N15) (*N30, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N30{deps: 2}, func() {}, nil
}

// N31 is one resource.
type N31 struct{ deps int }

// NewN31 opens N31 from its dependencies.
func NewN31(ctx context.Context, n17 *N17, n27 *N27, n18 *N18) (*N31, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N31{deps: 3}, func() {}, nil
}

// N32 is one resource.
type N32 struct{ deps int }

// NewN32 opens N32 from its dependencies.
func NewN32(ctx context.Context, n18 *N18, n28 *N28, n19 *N19) (*N32, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N32{deps: 3}, func() {}, nil
}

// N33 is one resource.
type N33 struct{ deps int }

// NewN33 opens N33 from its dependencies.
func NewN33(ctx context.Context, n19 *N19, n29 *N29, n20 *N20) (*N33, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N33{deps: 3}, func() {}, nil
}

// N34 is one resource.
type N34 struct{ deps int }

// NewN34 opens N34 from its dependencies.
func NewN34(ctx context.Context, n20 *N20, n30 *N30, n21 *N21) (*N34, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N34{deps: 3}, func() {}, nil
}

// N35 is one resource.
type N35 struct{ deps int }

// NewN35 opens N35 from its dependencies.
func NewN35(ctx context.Context, n21 *N21, n22 *N22) (*N35, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N35{deps: 2}, func() {}, nil
}

// N36 is one resource.
type N36 struct{ deps int }

// NewN36 opens N36 from its dependencies.
func NewN36(ctx context.Context, n22 *N22, n23 *N23) (*N36, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N36{deps: 2}, func() {}, nil
}

// N37 is one resource.
type N37 struct{ deps int }

// NewN37 opens N37 from its dependencies.
func NewN37(ctx context.Context, n23 *N23, n24 *N24) (*N37, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N37{deps: 2}, func() {}, nil
}

// N38 is one resource.
type N38 struct{ deps int }

// NewN38 opens N38 from its dependencies.
func NewN38(ctx context.Context, n24 *N24, n25 *N25) (*N38, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N38{deps: 2}, func() {}, nil
}

// N39 is one resource.
type N39 struct{ deps int }

// NewN39 opens N39 from its dependencies.
func NewN39(ctx context.Context, n25 *N25, n26 *N26) (*N39, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N39{deps: 2}, func() {}, nil
}

// N40 is one resource.
type N40 struct{ deps int }

// NewN40 opens N40 from its dependencies.
func NewN40(ctx context.Context, n26 *N26, n27 *N27) (*N40, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N40{deps: 2}, func() {}, nil
}

// N41 is one resource.
type N41 struct{ deps int }

// NewN41 opens N41 from its dependencies.
func NewN41(ctx context.Context, n31 *N31, n37 *N37, n32 *N32) (*N41, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N41{deps: 3}, func() {}, nil
}

// N42 is one resource.
type N42 struct{ deps int }

// NewN42 opens N42 from its dependencies.
func NewN42(ctx context.Context, n32 *N32, n38 *N38, n33 *N33) (*N42, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N42{deps: 3}, func() {}, nil
}

// N43 is one resource.
type N43 struct{ deps int }

// NewN43 opens N43 from its dependencies.
func NewN43(ctx context.Context, n33 *N33, n39 *N39, n34 *N34) (*N43, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N43{deps: 3}, func() {}, nil
}

// N44 is one resource.
type N44 struct{ deps int }

// NewN44 opens N44 from its dependencies.
func NewN44(ctx context.Context, n34 *N34, n40 *N40, n35 *N35) (*N44, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N44{deps: 3}, func() {}, nil
}

// N45 is one resource.
type N45 struct{ deps int }

// NewN45 opens N45 from its dependencies.
func NewN45(ctx context.Context, n35 *N35, n36 *N36) (*N45, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N45{deps: 2}, func() {}, nil
}

// N46 is one resource.
type N46 struct{ deps int }

// NewN46 opens N46 from its dependencies.
func NewN46(ctx context.Context, n36 *N36, n37 *N37) (*N46, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N46{deps: 2}, func() {}, nil
}

// N47 is one resource.
type N47 struct{ deps int }

// NewN47 opens N47 from its dependencies.
func NewN47(ctx context.Context, n41 *N41, n44 *N44, n42 *N42) (*N47, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N47{deps: 3}, func() {}, nil
}

// N48 is one resource.
type N48 struct{ deps int }

// NewN48 opens N48 from its dependencies.
func NewN48(ctx context.Context, n42 *N42, n45 *N45, n43 *N43) (*N48, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N48{deps: 3}, func() {}, nil
}

// N49 is one resource.
type N49 struct{ deps int }

// NewN49 opens N49 from its dependencies.
func NewN49(ctx context.Context, n43 *N43, n46 *N46, n44 *N44) (*N49, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return &N49{deps: 3}, func() {}, nil
}

// App holds the top of the graph.
type App struct{ n int }

// NewApp is the 50th provider.
func NewApp(n47 *N47, n48 *N48, n49 *N49) *App {
	return &App{n: 3}
}
