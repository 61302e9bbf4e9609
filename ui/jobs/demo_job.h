// The Reverse chain page's demonstrations as plain values (no torch types): the comparison of
// two sampler settings from the same x_T (side by side) and the paper's figures (Ho et al.
// 2020: Fig. 5 rate-distortion, Fig. 6 progressive generation, Fig. 7 samples sharing x_t,
// Fig. 8 interpolation). One request to the worker (DemoRequest), one result (DemoResult).
// Fig. 6 needs no worker: the page builds it from its recorded frames.
#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <vector>

#include "ddpm/image.h"
#include "jobs/sampling_job.h"

namespace ddpm::ui {

enum class DemoKind { SideBySide, Progressive, SharingXt, Interpolation, RateDistortion };

/// Which choice the second chain of a side-by-side flips.
enum class Comparison {
    Sampler,  ///< DDPM against DDIM
    Steps,    ///< all T steps against 50
    Variance, ///< DDPM's small (posterior) against large (beta_t) variance
};

/// The two settings a side-by-side compares: `page` as the first (made DDPM for the variance
/// comparison, whose "model's own" variance becomes small) and that with one choice flipped.
std::pair<SamplingSettings, SamplingSettings> comparedSettings(const SamplingSettings& page, Comparison comparison);

/// "DDPM", "DDIM, eta 0", "all steps", "50 steps", "small variance", ... for a picture's title.
QString comparisonTitle(const SamplingSettings& settings, Comparison comparison);

/// What Fig. 7 samples with: the page's model, steps, variance, clipping and seed, always with
/// DDPM's ancestral steps (Algorithm 2), as the paper's figure. Chains from one x_t differ only
/// by the noise their steps add; DDIM adds none at eta = 0, so its samples would all be one.
SamplingSettings sharingXtSettings(const SamplingSettings& page);

/// Fig. 7's sampler, said for its title and caption: "DDPM ancestral steps, as in the paper",
/// and, where the page chose DDIM, why Fig. 7 does not use it.
QString sharingXtSamplerText(const SamplingSettings& page);

struct DemoRequest {
    quint64 id = 0;                          ///< echoed in every signal
    DemoKind kind = DemoKind::SideBySide;
    SamplingSettings settings;               ///< the page's model and sampler
    QString modelLabel;
    Comparison comparison = Comparison::Sampler; ///< SideBySide only
    std::shared_ptr<std::atomic<bool>> stop; ///< set to cancel; may be null
};

/// One chain of a side-by-side: pictures of its batch at evenly spaced stored frames (x_T
/// first, the final samples last), each with its t.
struct SideChain {
    QString title;
    QString planText;
    std::vector<ddpm::Image> pictures;
    QVector<int> ts;

    /// The picture index at `fraction` of the chain (0 = x_T, 1 = the final samples).
    int indexAt(double fraction) const;
};

/// Fig. 5: one point per x_t received (T..1, then t = 0 with the whole bound).
struct RatePoint {
    int t = 0;
    double rateBpd = 0;
    double distortion = 0; ///< RMSE on 0..255
};

struct DemoResult {
    quint64 id = 0;
    DemoKind kind = DemoKind::SideBySide;
    QString title;                    ///< what the figure is, for the view's heading
    QString caption;                  ///< the settings line of its export
    ddpm::Image figure;               ///< Progressive, SharingXt, Interpolation: the composed picture
    /// SharingXt: rows (one per t) of n samples; Interpolation: one row, a decode per lambda.
    std::vector<std::vector<ddpm::Image>> tiles;
    QVector<int> rowTs;               ///< SharingXt: the original t of each row
    SideChain left, right;            ///< SideBySide
    QVector<RatePoint> rate;          ///< RateDistortion
};

/// A demonstration's name as its button says it ("Fig. 7: samples sharing xₜ").
QString demoName(DemoKind kind);

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::DemoResult)
