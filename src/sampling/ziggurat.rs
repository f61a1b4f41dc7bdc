//! Standard normal draws by the ziggurat method (Marsaglia and Tsang, 2000),
//! written so that it inlines into the engine's batch loops.
//!
//! The same algorithm as `rand_distr::StandardNormal` (256 layers, R =
//! 3.6541528853610088): 98.8 % of draws take one 64-bit random number, a
//! table lookup and a comparison. The tables were computed once at 50-digit
//! precision (Python `decimal`) and are constants, so they are identical on
//! every machine.

use crate::sampling::rng::{open01, xoshiro_next, StreamRng};
use crate::simd::normal::{Group, LaneWords};
use rand::RngCore;

/// The right edge of the base layer.
const R: f64 = 3.654_152_885_361_009;

/// Layer edges `x[i]` (`x[0]` = V / f(R), `x[1]` = R, …, `x[256]` = 0).
#[rustfmt::skip]
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
const X: [f64; 257] = [
    3.910757959537092, 3.654152885361009, 3.4492782985609645, 3.320244733839166,
    3.224575052047029, 3.14788928951715, 3.083526132001233, 3.0278377917686354,
    2.978603279880845, 2.9343668672078547, 2.894121053612348, 2.8571387308721325,
    2.822877396825325, 2.790921174000786, 2.760944005278823, 2.732685359042827,
    2.705933656121858, 2.680514643284522, 2.6562830375755024, 2.6331163936303246,
    2.6109105184875485, 2.5895759867069956, 2.569035452680537, 2.5492215503234608,
    2.530075232158517, 2.5115444416253427, 2.4935830412696807, 2.4761499396691433,
    2.4592083743333113, 2.442725318198957, 2.4266709849357264, 2.411018413899686,
    2.395743119780481, 2.3808227951706264, 2.366237056715819, 2.3519672273776604,
    2.337996148795032, 2.3243080188696235, 2.3108882505998505, 2.2977233489013305,
    2.284800802722947, 2.2721089902268248, 2.2596370951722187, 2.2473750329458086,
    2.235313384928329, 2.2234433400909066, 2.2117566428825457, 2.2002455466096493,
    2.1889027716247225, 2.177721467738643, 2.1666951803526473, 2.1558178198750646,
    2.145083634046205, 2.1344871828443215, 2.1240233156878165, 2.113687150684935,
    2.1034740557131477, 2.093379631137051, 2.0833996939965527, 2.0735302635169797,
    2.0637675478099573, 2.054107931648866, 2.044547965215734, 2.03508435372781,
    2.0257139478620343, 2.0164337349043726, 2.0072408305586857, 1.9981324713565654,
    1.9891060076155724, 1.9801588968985995, 1.9712886979317705, 1.9624930649424628,
    1.9537697423827352, 1.945116560006755, 1.9365314282737598, 1.9280123340507191,
    1.91955733659123, 1.9111645637692833, 1.9028322085484475, 1.8945585256687112,
    1.8863418285347775, 1.8781804862909786, 1.8700729210692375, 1.862017605397633,
    1.8540130597581486, 1.84605785028312, 1.838150586580729, 1.830289919680667,
    1.8224745400917837, 1.814703175964168, 1.8069745913486939, 1.7992875845475806,
    1.7916409865500105, 1.7840336595472768, 1.7764644955223454, 1.7689324149090784,
    1.761436365316707, 1.7539753203154553, 1.7465482782794932, 1.7391542612836695,
    1.7317923140507077, 1.7244615029457762, 1.717160915015541, 1.709889657069006,
    1.702646854797614, 1.6954316519322385, 1.6882432094348585, 1.6810807047228231,
    1.6739433309237604, 1.6668302961592867, 1.6597408228557895, 1.6526741470806485,
    1.6456295179023606, 1.6386061967731114, 1.6316034569324225, 1.6246205828305689,
    1.6176568695705347, 1.6107116223673341, 1.6037841560235833, 1.5968737944202616,
    1.5899798700216488, 1.5831017233934717, 1.5762387027333329, 1.5693901634125342,
    1.5625554675284394, 1.5557339834665547, 1.5489250854715353, 1.5421281532263473,
    1.5353425714388427, 1.528567729435024, 1.5218030207582924, 1.5150478427739917,
    1.5083015962785713, 1.5015636851127059, 1.494833515777718, 1.4881104970546537,
    1.4813940396253753, 1.474683555695025, 1.4679784586152305, 1.4612781625074076,
    1.454582081885523, 1.4478896312776697, 1.441200224845798, 1.4345132760029464,
    1.4278281970272901, 1.4211443986723227, 1.4144612897724644, 1.407778276843371,
    1.4010947636762021, 1.3944101509250708, 1.3877238356868842, 1.3810352110727415,
    1.37434366577003, 1.3676485835943175, 1.3609493430301014, 1.35424531675943,
    1.3475358711773586, 1.3408203658931515, 1.3340981532160832, 1.3273685776246245,
    1.3206309752177299, 1.3138846731468685, 1.3071289890273534, 1.3003632303274333,
    1.2935866937335172, 1.286798664489786, 1.2799984157103326, 1.273185207661843,
    1.2663582870146877, 1.2595168860601436, 1.252660221891297, 1.245787495544997,
    1.2388978911020267, 1.2319905747424442, 1.2250646937528074, 1.2181193754817259,
    1.2111537262399106, 1.2041668301405593, 1.1971577478755853, 1.190125515422801,
    1.18306914267876, 1.1759876120114892, 1.1688798767268331, 1.1617448594415736,
    1.1545814503558511, 1.147388505416733, 1.140164844363995, 1.132909248648336,
    1.1256204592112935, 1.118297174115062, 1.1109380460092486, 1.1035416794202673,
    1.0961066278476026, 1.0886313906495135, 1.0811144096988887, 1.0735540657878713,
    1.065948674757506, 1.058296483326006, 1.0505956645862067, 1.04284431313937,
    1.0350404398286048, 1.0271819660307508, 1.0192667174605288, 1.011292417434978,
    1.0032566795395907, 0.9951569996299424, 0.9869907470938456, 0.9787551552889371,
    0.9704473110588638, 0.9620641432176045, 0.9536024098755718, 0.9450586844625702,
    0.9364293402808961, 0.927710533396234, 0.9188981836437341, 0.909987953490768,
    0.9009752244551736, 0.8918550707267915, 0.8826222295789093, 0.8732710680824938,
    0.863795545546826, 0.8541891710015598, 0.8444449549024229, 0.8345553540795179,
    0.8245122087452879, 0.8143066701280635, 0.803929116982664, 0.7933690588331518,
    0.7826150232995878, 0.7716544242167384, 0.7604734064220822, 0.7490566620095804,
    0.7373872114258375, 0.7254461409013022, 0.7132122851820214, 0.7006618410975831,
    0.6877678927862563, 0.674499822827435, 0.6608225742342045, 0.6466957148843874,
    0.6320722363750231, 0.6168969899962339, 0.6011046177439386, 0.5846167660937205,
    0.5673382570404714, 0.5491517023130249, 0.5299097206464933, 0.5094233295859314,
    0.4874439661217523, 0.46363433677176097, 0.4375184021866601, 0.4083891345879979,
    0.37512133285046234, 0.3357375191804553, 0.2861745917472551, 0.2152418959132654,
    0.0,
];

/// Density f(`x[i]`) = exp(-`x[i]²/2`) at each edge.
#[rustfmt::skip]
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
const F: [f64; 257] = [
    0.0004774677645866519, 0.0012602859304985975, 0.002609072746106362, 0.0040379725933718715,
    0.005522403299264755, 0.007050875471392109, 0.008616582769422912, 0.0102149714397311,
    0.0118427578579431, 0.013497450601780796, 0.015177088307982065, 0.016880083152595836,
    0.018605121275783343, 0.020351096230109344, 0.022117062707379908, 0.023902203305873237,
    0.02570580400863265, 0.027527235669693315, 0.02936593975823011, 0.031221417192023686,
    0.033093219458688684, 0.034980941461833046, 0.03688421568869112, 0.0388027074046569,
    0.04073611065607874, 0.042684144916619336, 0.044646552251446515, 0.04662309490208967,
    0.04861355321603513, 0.05061772386112175, 0.05263541827697361, 0.05466646132507786,
    0.056710690106399425, 0.05876795292113793, 0.06083810834975175, 0.06292102443797778,
    0.06501657797147035, 0.06712465382802392, 0.06924514439725017, 0.07137794905914183,
    0.07352297371424082, 0.07568013035919481, 0.07784933670237201, 0.08003051581494733,
    0.0822235958134955, 0.08442850957065445, 0.08664519445086755, 0.08887359206859394,
    0.09111364806670041, 0.09336531191302634, 0.09562853671335306, 0.09790327903921535,
    0.10018949876917177, 0.10248715894230599, 0.10479622562286683, 0.10711666777507266,
    0.10944845714720981, 0.1117915681642454, 0.11414597782825504, 0.11651166562603685,
    0.11888861344334545, 0.12127680548523516, 0.12367622820205106, 0.12608687022065,
    0.12850872228047336, 0.13094177717412792, 0.13338602969216254, 0.13584147657175705,
    0.138308116449064, 0.14078594981496803, 0.14327497897404687, 0.14577520800653765,
    0.1482866427331284, 0.15080929068240986, 0.15334316106083742, 0.15588826472506426,
    0.1584446141565199, 0.16101222343811727, 0.1635911082329826, 0.1661812857651097,
    0.16878277480185, 0.17139559563815535, 0.17401977008249914, 0.17665532144440646,
    0.17930227452353026, 0.18196065560021638, 0.18463049242750437, 0.18731181422451676,
    0.19000465167119293, 0.19270903690432864, 0.1954250035148854, 0.19815258654653795,
    0.20089182249543117, 0.20364274931112133, 0.20640540639867916, 0.20917983462193548,
    0.21196607630785277, 0.2147641752520084, 0.21757417672517823, 0.22039612748101145,
    0.22323007576478943, 0.22607607132326474, 0.22893416541557743, 0.23180441082524855,
    0.2346868618732527, 0.23758157443217368, 0.24048860594144916, 0.24340801542371202,
    0.24633986350223877, 0.2492842124195167, 0.25224112605694377, 0.2552106699556771,
    0.25819291133864797, 0.2611879191337636, 0.2641957639983174, 0.26721651834463167,
    0.2702502563669598, 0.27329705406967564, 0.2763569892967811, 0.27943014176276515,
    0.28251659308484933, 0.28561642681665805, 0.28872972848335393, 0.2918565856182811,
    0.2949970878011627, 0.29815132669790145, 0.30131939610203423, 0.30450139197789644,
    0.307697412505554, 0.310907558127564, 0.3141319315976305, 0.3173706380312227,
    0.3206237849582305, 0.32389148237773235, 0.32717384281495887, 0.3304709813805373,
    0.33378301583210873, 0.33711006663841303, 0.3404522570459456, 0.3438097131482915,
    0.34718256395825153, 0.35057094148288126, 0.35397498080156936, 0.3573948201472906,
    0.36083060099117586, 0.36428246813054976, 0.3677505697805964, 0.37123505766982157,
    0.37473608713949164, 0.37825381724723833, 0.3817884108750316, 0.38534003484173424,
    0.3889088600204649, 0.39249506146101104, 0.3960988185175474, 0.399720314981932,
    0.4033597392228692, 0.40701728433124823, 0.41069314827198344, 0.4143875340427069,
    0.41810064983968476, 0.4218327092313535, 0.42558393133990086, 0.42935454103134185,
    0.43314476911457434, 0.43695485254992955, 0.4407850346677702, 0.4446355653977281,
    0.4485067015092144, 0.4523987068638829, 0.45631185268077407, 0.460246417814924,
    0.4642026890502793, 0.46818096140782267, 0.4721815384698837, 0.4762047327216842,
    0.48025086591125016, 0.48432026942891204, 0.4884132847077125, 0.4925302636461491,
    0.49667156905479676, 0.5008375751284826, 0.5050286679458292, 0.5092452459981365,
    0.5134877207497434, 0.5177565172322012, 0.5220520746747954, 0.5263748471741873,
    0.5307253044061945, 0.5351039323830201, 0.5395112342595453, 0.5439477311926505,
    0.5484139632579217, 0.5529104904285204, 0.5574378936214867, 0.5619967758172782,
    0.5665877632589521, 0.5712115067380753, 0.5758686829752109, 0.5805599961036837,
    0.5852861792663006, 0.5900479963357922, 0.5948462437709915, 0.599681752622168,
    0.6045553907005499, 0.6094680649288958, 0.6144207238920772, 0.6194143606090396,
    0.6244500155502747, 0.6295287799281287, 0.6346517992909606, 0.6398202774564395,
    0.6450354808242524, 0.650298743114295, 0.6556114705832252, 0.6609751477802419,
    0.6663913439123812, 0.6718617199007669, 0.6773880362225135, 0.6829721616487918,
    0.6886160830085275, 0.694321916130033, 0.7000919181404905, 0.7059285013367979,
    0.711834248882359, 0.717811932634902, 0.7238645334728822, 0.729995264565803,
    0.7362075981312672, 0.7425052963446368, 0.7488924472237273, 0.7553735065117552,
    0.7619533468415471, 0.7686373158033355, 0.775431304986139, 0.7823418326598627,
    0.7893761435711993, 0.7965423304282554, 0.8038494831763903, 0.8113078743182208,
    0.8189291916094156, 0.8267268339520951, 0.8347162929929313, 0.842915653118442,
    0.8513462584651245, 0.8600336212030095, 0.869008688043794, 0.8783096558161477,
    0.8879846607634008, 0.898095921906305, 0.9087264400605639, 0.9199915050483614,
    0.9320600759689914, 0.9451989534530794, 0.9598790918124174, 0.9771017012827331,
    1.0,
];

/// One standard normal draw.
#[inline(always)]
pub fn standard_normal(rng: &mut StreamRng) -> f64 {
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        // 52 high bits as a double in [2, 4), minus 3: u in [-1, 1).
        let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
        let x = u * X[i];
        if x.abs() < X[i + 1] {
            return x;
        }
        if let Some(x) = slow_path(rng, i, u, x) {
            return x;
        }
    }
}

pub use crate::simd::normal::LANES;

/// A batch source of standard normal draws: [`LANES`] xoshiro256++
/// generators seeded from one stream, so that the CPU can overlap their
/// serial state updates, plus one more for the rare draws that miss the
/// ziggurat's fast path.
///
/// Draw k of a fill makes its first attempt with 64 bits from lane
/// k mod [`LANES`] (a fill's last partial group uses lanes 0, 1, …). When
/// that attempt misses the fast path (1.2 % of draws), the draw is finished
/// by the slow path and any retries with numbers from the `fixup`
/// generator, in draw order. Every attempt uses fresh random numbers, so the
/// draws are exactly normal; and the lanes never wait on a retry, so where
/// the processor has AVX-512 (or AVX2) all eight run in one vector register
/// (two with AVX2) per step. Every version gives the same bits.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalLanes {
    /// The lanes' xoshiro256++ states, as the vector kernels take them (so
    /// that they work on them in place).
    lanes: LaneWords,
    fixup: StreamRng,
}

impl NormalLanes {
    /// Lanes seeded from the next [`LANES`] + 1 outputs of `rng`.
    pub fn new(rng: &mut StreamRng) -> NormalLanes {
        use rand::SeedableRng;
        let lanes = std::array::from_fn(|_| StreamRng::seed_from_u64(rng.next_u64()).state());
        let fixup = StreamRng::seed_from_u64(rng.next_u64());
        NormalLanes { lanes, fixup }
    }

    /// Fills `out` with standard normal draws, continuing where the last
    /// fill stopped.
    #[inline]
    pub fn fill(&mut self, out: &mut [f64]) {
        self.fill_on(crate::simd::isa(), out);
    }

    /// [`NormalLanes::fill`] with the vector code of `level` (lowered to
    /// what the processor supports): whole groups of [`LANES`] in the
    /// vector kernel, the rest in the portable loop. Small, so that it
    /// inlines into its caller (the engine's block, compiled for AVX2) with
    /// the scaling loop after it; the kernel itself is not inlined.
    #[inline]
    fn fill_on(&mut self, level: crate::simd::Isa, out: &mut [f64]) {
        let done = if level > crate::simd::Isa::Portable {
            self.fill_groups(level, out)
        } else {
            0
        };
        fill_lanes(self, &mut out[done..]);
    }

    /// The whole groups of `out` in the vector kernel of `level`; returns
    /// how many values it wrote.
    #[inline(never)]
    fn fill_groups(&mut self, level: crate::simd::Isa, out: &mut [f64]) -> usize {
        let fixup = &mut self.fixup;
        crate::simd::normal::ziggurat_groups_on(level, &mut self.lanes, &X, out, |group| {
            finish_group(fixup, group)
        })
    }
}

/// The first attempt of a draw from 64 random bits: the candidate x, its
/// layer and uniform, and whether the fast path accepted it.
#[inline(always)]
fn first_attempt(bits: u64) -> (f64, usize, f64, bool) {
    let i = (bits & 0xff) as usize;
    let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
    let x = u * X[i];
    (x, i, u, x.abs() < X[i + 1])
}

/// Finishes a draw whose first attempt missed the fast path.
#[inline(never)]
fn finish_draw(fixup: &mut StreamRng, layer: usize, u: f64, x: f64) -> f64 {
    match slow_path(fixup, layer, u, x) {
        Some(z) => z,
        None => standard_normal(fixup),
    }
}

/// The portable batch.
fn fill_lanes(n: &mut NormalLanes, out: &mut [f64]) {
    for chunk in out.chunks_mut(LANES) {
        for (x, lane) in chunk.iter_mut().zip(n.lanes.iter_mut()) {
            let (candidate, layer, u, accepted) = first_attempt(xoshiro_next(lane));
            *x = if accepted {
                candidate
            } else {
                finish_draw(&mut n.fixup, layer, u, candidate)
            };
        }
    }
}

/// Finishes the draws of one group whose first attempts missed the fast
/// path (bit l of `accepted` clear), in lane order.
#[cold]
#[inline(never)]
fn finish_group(fixup: &mut StreamRng, group: Group<'_>) {
    for l in 0..LANES {
        if group.accepted & (1 << l) == 0 {
            let (layer, u, x) = (group.layers[l] as usize, group.uniforms[l], group.draws[l]);
            group.draws[l] = finish_draw(fixup, layer, u, x);
        }
    }
}

/// The base layer's tail and the wedges: about 1.2 % of draws.
#[cold]
#[inline(never)]
fn slow_path(rng: &mut StreamRng, i: usize, u: f64, x: f64) -> Option<f64> {
    if i == 0 {
        // Tail beyond R (Marsaglia 1964).
        loop {
            let a = open01(rng).ln() / R;
            let b = open01(rng).ln();
            if -2.0 * b >= a * a {
                return Some(if u < 0.0 { a - R } else { R - a });
            }
        }
    }
    let y = F[i + 1] + (F[i] - F[i + 1]) * open01(rng);
    // The wedge test y < e^(-t), t = x²/2 in [T[i+1], T[i]), settled
    // without the exponential in most draws: e^(-t) is convex in t, so it
    // lies below the chord through the layer's corners and above the
    // tangents there. The margin (far above rounding error) keeps every
    // decision the same as the exact test's.
    const MARGIN: f64 = 1e-12;
    let t = 0.5 * x * x;
    let (t_in, t_out) = (T[i + 1], T[i]);
    let chord = F[i + 1] + CHORD_SLOPE[i] * (t - t_in);
    if y > chord + MARGIN {
        return None;
    }
    let tangent = (F[i + 1] * (1.0 - (t - t_in))).max(F[i] * (1.0 + (t_out - t)));
    if y < tangent - MARGIN {
        return Some(x);
    }
    (y < crate::simd::fastmath::exp(-0.5 * x * x)).then_some(x)
}

/// Slope of the chord of e^(-t) across layer i: (`F[i]` − `F[i+1]`) / (`T[i]` − `T[i+1]`).
const CHORD_SLOPE: [f64; 256] = {
    let mut slope = [0.0; 256];
    let mut i = 0;
    while i < 256 {
        slope[i] = (F[i] - F[i + 1]) / (T[i] - T[i + 1]);
        i += 1;
    }
    slope
};

/// `T[i]` = `X[i]²/2`: the layer edges on the scale of the exponent.
const T: [f64; 257] = {
    let mut t = [0.0; 257];
    let mut i = 0;
    while i < 257 {
        t[i] = 0.5 * X[i] * X[i];
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_published_ziggurat_constants() {
        // rand_distr's ZIG_NORM_X and ZIG_NORM_F (first, second, last layers).
        assert!((X[0] - 3.910_757_959_537_09).abs() < 1e-14);
        assert_eq!(X[1], R);
        assert!((X[255] - 0.215_241_895_913_273_8).abs() < 1e-14);
        assert!((F[0] - 0.000_477_467_764_586_655).abs() < 1e-16);
        assert_eq!(X[256], 0.0);
        assert_eq!(F[256], 1.0);
    }

    #[test]
    fn the_vector_and_portable_batches_give_identical_bits() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for len in [0, 3, 8, 13, 1024, 4099] {
            let start = NormalLanes::new(&mut crate::sampling::rng::stream(1, 2, 3));
            // Two fills: the second continues where the first stopped.
            let mut expected = vec![0.0; len];
            let mut portable = start.clone();
            let (a, b) = expected.split_at_mut(len / 3);
            fill_lanes(&mut portable, a);
            fill_lanes(&mut portable, b);
            for level in crate::simd::supported() {
                let mut lanes = start.clone();
                let mut got = vec![0.0; len];
                let (a, b) = got.split_at_mut(len / 3);
                lanes.fill_on(level, a);
                lanes.fill_on(level, b);
                assert_eq!(bits(&expected), bits(&got), "length {len}, {level:?}");
                assert_eq!(portable, lanes, "generators left in the same state");
            }
            let mut dispatched = start.clone();
            let mut got = vec![0.0; len];
            let (a, b) = got.split_at_mut(len / 3);
            dispatched.fill(a);
            dispatched.fill(b);
            assert_eq!(bits(&expected), bits(&got), "length {len}");
        }
    }

    #[test]
    fn batch_draws_are_standard_normal() {
        let n = 1 << 20;
        let mut out = vec![0.0; n];
        // Half from fresh lanes per fill, half from lanes that carry on.
        let (fresh, carried) = out.split_at_mut(n / 2);
        for (k, chunk) in fresh.chunks_mut(1000).enumerate() {
            NormalLanes::new(&mut crate::sampling::rng::stream(9, k as u64, 1)).fill(chunk);
        }
        let mut lanes = NormalLanes::new(&mut crate::sampling::rng::stream(9, 9, 9));
        for chunk in carried.chunks_mut(125) {
            lanes.fill(chunk);
        }
        let mean = out.iter().sum::<f64>() / n as f64;
        let var = out.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        let tail = out.iter().filter(|x| x.abs() > 3.0).count() as f64 / n as f64;
        // 5 standard errors; P(|Z| > 3) = 0.0026998.
        assert!(mean.abs() < 5.0 / (n as f64).sqrt(), "{mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(), "{var}");
        let p = 0.002_699_8;
        assert!(
            (tail - p).abs() < 5.0 * (p * (1.0 - p) / n as f64).sqrt(),
            "{tail}"
        );
    }

    #[test]
    fn the_wedge_shortcuts_decide_as_the_exact_test() {
        // Sweep the wedge of several layers and uniforms: the shortcut and
        // the plain test must agree everywhere.
        for i in [1usize, 2, 10, 100, 200, 254, 255] {
            for a in 0..400 {
                let x = X[i + 1] + (X[i] - X[i + 1]) * (a as f64 + 0.5) / 400.0;
                for b in 0..400 {
                    let v = (b as f64 + 0.5) / 400.0;
                    let y = F[i + 1] + (F[i] - F[i + 1]) * v;
                    let exact = y < crate::simd::fastmath::exp(-0.5 * x * x);
                    let t = 0.5 * x * x;
                    let chord = F[i + 1] + CHORD_SLOPE[i] * (t - T[i + 1]);
                    let tangent =
                        (F[i + 1] * (1.0 - (t - T[i + 1]))).max(F[i] * (1.0 + (T[i] - t)));
                    assert!(tangent <= chord, "layer {i}: bounds cross");
                    if y > chord + 1e-12 {
                        assert!(!exact, "layer {i}: rejected a point under the curve");
                    }
                    if y < tangent - 1e-12 {
                        assert!(exact, "layer {i}: accepted a point over the curve");
                    }
                }
            }
        }
    }

    #[test]
    fn draws_have_mean_zero_and_unit_variance() {
        let mut rng = crate::sampling::rng::stream(3, 1, 4);
        let n = 400_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let z = standard_normal(&mut rng);
            sum += z;
            sum_sq += z * z;
        }
        let mean = sum / n as f64;
        let var = sum_sq / n as f64 - mean * mean;
        // 5 standard errors: SE(mean) = 1/sqrt(n), SE(var) = sqrt(2/n).
        assert!(mean.abs() < 5.0 / (n as f64).sqrt(), "{mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(), "{var}");
    }
}
