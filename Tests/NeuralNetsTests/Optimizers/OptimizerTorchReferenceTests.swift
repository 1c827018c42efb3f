// OptimizerTorchReferenceTests.swift — the optimizers against sequences recorded with PyTorch.
//
// The constants below are the parameter values after each of five steps on the
// problem of `OptimTestKit` (gradient c·p + d, in float32), printed by PyTorch 2.15.0
// (CPU, torch.optim's default single-tensor path) with this script:
//
//   import torch
//   torch.set_printoptions(precision=10)
//   P = [[0.5, -1.25, 2.0, -0.75], [1.5, -0.4, 0.3]]
//   SHAPES = [(2, 2), (3,)]
//   C = [[1.0, 2.0, 0.5, 3.0], [0.8, 1.5, 2.5]]
//   D = [[0.1, -0.2, 0.3, 0.05], [-0.3, 0.25, 0.15]]
//   def run(make, steps=5):
//       ps = [torch.tensor(p, dtype=torch.float32).reshape(s).requires_grad_() for p, s in zip(P, SHAPES)]
//       cs = [torch.tensor(c, dtype=torch.float32).reshape(s) for c, s in zip(C, SHAPES)]
//       ds = [torch.tensor(d, dtype=torch.float32).reshape(s) for d, s in zip(D, SHAPES)]
//       opt = make(ps); out = []
//       for _ in range(steps):
//           opt.zero_grad()
//           for p, c, d in zip(ps, cs, ds):
//               p.grad = (c * p + d).detach()       # the gradient of ½c·p² + d·p, in float32
//           opt.step()
//           out.append([p.detach().flatten().tolist() for p in ps])
//       return out
//   def show(name, seq):
//       print(f"    static let {name}: [[[Float]]] = [")
//       for ps in seq:
//           print("        [" + ", ".join("[" + ", ".join(repr(x) for x in pp) + "]" for pp in ps) + "],")
//       print("    ]")
//   show("sgdMomentum", run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)))
//   show("sgdNesterov", run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True)))
//   show("adam", run(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05)))
//   show("adamW", run(lambda ps: torch.optim.AdamW(ps, lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)))
//   show("adamLargeEps", run(lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=0.1)))
//
// Tolerance: the kit does the same float32 operations in the same order as PyTorch,
// but PyTorch holds lr, betas and 1 − β as Python doubles where the kit has Floats
// (0.999 as a Float is 0.99900001), so a few ulps of difference are expected. The
// largest difference seen is 1.2·10⁻⁷ (one ulp at values near 1); 1e-6 allows for
// that and nothing more: a misplaced ε or a missing bias correction is off by > 10⁻³.

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerTorchReferenceTests {
    typealias Kit = OptimTestKit

    static let sgdMomentum: [[[Float]]] = [
        [[0.43950000405311584, -0.9787499904632568, 1.8680000305175781, -0.5292500257492065], [1.4084999561309814, -0.3646000027656555, 0.20970001816749573]],
        [[0.33066049218177795, -0.5178962349891663, 1.6239320039749146, -0.1762707680463791], [1.2420614957809448, -0.302685409784317, 0.06079531088471413]],
        [[0.18930822610855103, 0.020969292148947716, 1.2914502620697021, 0.18946805596351624], [1.0216598510742188, -0.22625677287578583, -0.10347855091094971]],
        [[0.032971058040857315, 0.5217334032058716, 0.8963527679443359, 0.45660310983657837], [0.7705439329147339, -0.1483062207698822, -0.24035190045833588]],
        [[-0.12106246501207352, 0.8875526785850525, 0.4650510251522064, 0.5545871257781982], [0.5121256113052368, -0.08075649291276932, -0.31820958852767944]],
    ]
    static let sgdNesterov: [[[Float]]] = [
        [[0.44600000977516174, -1.0069999694824219, 1.8830000162124634, -0.5519999861717224], [1.4190000295639038, -0.3684999942779541, 0.21900001168251038]],
        [[0.37766000628471375, -0.7213399410247803, 1.7296650409698486, -0.33705997467041016], [1.3150320053100586, -0.3300524950027466, 0.12742501497268677]],
        [[0.30183860659599304, -0.43353071808815, 1.5518220663070679, -0.14284177124500275], [1.1975833177566528, -0.28934741020202637, 0.03989437595009804]],
        [[0.22412240505218506, -0.17295502126216888, 1.3593089580535889, 0.008152877911925316], [1.074479341506958, -0.25002458691596985, -0.033863868564367294]],
        [[0.14885197579860687, 0.04195498675107956, 1.1601660251617432, 0.10710631310939789], [0.9519563317298889, -0.21467384696006775, -0.08876165747642517]],
    ]
    static let adam: [[[Float]]] = [
        [[0.4000000059604645, -1.149999976158142, 1.899999976158142, -0.6500000357627869], [1.399999976158142, -0.30000001192092896, 0.20000001788139343]],
        [[0.30089396238327026, -1.0502748489379883, 1.8001245260238647, -0.5506467819213867], [1.300341010093689, -0.2046716958284378, 0.10211890190839767]],
        [[0.20358990132808685, -0.9510424137115479, 1.7004637718200684, -0.45254451036453247], [1.2013026475906372, -0.12195282429456711, 0.009167760610580444]],
        [[0.10931659489870071, -0.8525495529174805, 1.6011135578155518, -0.3564659357070923], [1.1032099723815918, -0.0629684180021286, -0.07450489699840546]],
        [[0.019679926335811615, -0.7550749182701111, 1.5021753311157227, -0.26338088512420654], [1.0064388513565063, -0.03387277573347092, -0.14338846504688263]],
    ]
    static let adamW: [[[Float]]] = [
        [[0.39500001072883606, -1.1374999284744263, 1.8799999952316284, -0.6424999833106995], [1.3849999904632568, -0.29600000381469727, 0.19700002670288086]],
        [[0.2920042872428894, -1.0264458656311035, 1.7613509893417358, -0.5367973446846008], [1.2715752124786377, -0.19835259020328522, 0.09725363552570343]],
        [[0.19195659458637238, -0.9170774221420288, 1.644148349761963, -0.433551549911499], [1.1600642204284668, -0.1161462813615799, 0.003658279776573181]],
        [[0.09612186253070831, -0.809665858745575, 1.5284925699234009, -0.33360427618026733], [1.0508646965026855, -0.06116023659706116, -0.07937783747911453]],
        [[0.0061299800872802734, -0.7045164108276367, 1.4144891500473022, -0.2380056083202362], [0.9444398880004883, -0.037788644433021545, -0.14644554257392883]],
    ]
    static let adamLargeEps: [[[Float]]] = [
        [[0.4571428596973419, -1.201785683631897, 1.9535714387893677, -0.7021738886833191], [1.4550000429153442, -0.3611111044883728, 0.2550000250339508]],
        [[0.4147047996520996, -1.1537034511566162, 1.9072189331054688, -0.6546147465705872], [1.4101977348327637, -0.32348257303237915, 0.21070383489131927]],
        [[0.3728415071964264, -1.1058251857757568, 1.8609743118286133, -0.6074738502502441], [1.365670919418335, -0.28761303424835205, 0.16748028993606567]],
        [[0.3317178189754486, -1.0582245588302612, 1.8148692846298218, -0.5609134435653687], [1.321499228477478, -0.25405895709991455, 0.12575125694274902]],
        [[0.2915058732032776, -1.0109765529632568, 1.7689350843429565, -0.5151053667068481], [1.2777634859085083, -0.22340905666351318, 0.08598679304122925]],
    ]

    static func expectMatchesTorch(_ optimizer: some Optimizer, _ expected: [[[Float]]], _ what: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        let run = Kit.trajectory(optimizer, steps: expected.count)
        Kit.expectClose(run, expected.map { $0.map { $0.map(Double.init) } }, absolute: 1e-6, relative: 0,
                        what, sourceLocation: sourceLocation)
    }

    @Test func sgdMomentumMatchesTorch() {
        Self.expectMatchesTorch(SGD(parameters: Kit.parameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 0.01),
                                Self.sgdMomentum, "SGD momentum vs torch")
    }

    @Test func sgdNesterovMatchesTorch() {
        Self.expectMatchesTorch(SGD(parameters: Kit.parameters(), learningRate: 0.05, momentum: 0.8, nesterov: true),
                                Self.sgdNesterov, "SGD Nesterov vs torch")
    }

    @Test func adamMatchesTorch() {
        Self.expectMatchesTorch(Adam(parameters: Kit.parameters(), learningRate: 0.1, weightDecay: 0.05),
                                Self.adam, "Adam vs torch")
    }

    @Test func adamWMatchesTorch() {
        Self.expectMatchesTorch(AdamW(parameters: Kit.parameters(), learningRate: 0.1, weightDecay: 0.1),
                                Self.adamW, "AdamW vs torch")
    }

    @Test func adamWithLargeEpsMatchesTorch() {
        Self.expectMatchesTorch(Adam(parameters: Kit.parameters(), learningRate: 0.05, betas: (0.8, 0.99), eps: 0.1),
                                Self.adamLargeEps, "Adam eps 0.1 vs torch")
    }

    @Test func clipGradNormMatchesTorch() {
        // torch.nn.utils.clip_grad_norm_([a, b], max_norm=2.0) with grads [3, −4] and [[12]]
        // returned 13.0 and left [0.4615384340286255, −0.615384578704834] and [[1.846153736114502]].
        let a = Tensor(shape: [2], scalars: [1, -1], requiresGrad: true)
        let b = Tensor(shape: [1, 1], scalars: [0.5], requiresGrad: true)
        Kit.setGradient(a, [3, -4])
        Kit.setGradient(b, [12])
        #expect(clipGradNorm([a, b], maxNorm: 2) == 13)
        let got = a.grad!.scalars + b.grad!.scalars
        let torch: [Float] = [0.4615384340286255, -0.615384578704834, 1.846153736114502]
        for (x, y) in zip(got, torch) { #expect(abs(x - y) <= 1e-7, "got \(x), torch \(y)") }
    }
}
