// The Reverse chain page's job as plain values (no torch types): what Run samples
// (SamplingSettings), one request to the worker (SamplingRequest), what the chain is
// (ChainInfo, sent once it is set up), and the chain as it is computed: stored frames
// (ChainFrame) and every step's statistics (ChainStep), delivered in batches (ChainUpdate).
// Widgets include this header; the page, which owns the thread, includes
// workers/sampling_worker.h.
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <vector>

#include "schedule_choice.h"

namespace ddpm::ui {

/// Everything that decides a chain; equal settings give equal chains.
struct SamplingSettings {
    /// A checkpoint file, a run folder or "oracle:DATA" (model.h's makeModel).
    QString modelSpec = QStringLiteral("oracle:toy:gaussians8");
    /// The diffusion of a model that brings none (the oracle); a checkpoint's own is used otherwise.
    ScheduleChoice oracleSchedule;
    QString sampler = QStringLiteral("ddim");   ///< ddpm | ddim
    QString spacing = QStringLiteral("50");     ///< respacing.h's forms; "" = all T steps
    double eta = 0.0;                           ///< DDIM only, 0..1
    QString variance;                           ///< DDPM only: "" (the model's own), "small" or "large"
    bool clipDenoised = false;                  ///< clamp the predicted x_0 to [-1, 1]
    quint64 seed = 0;                           ///< x_T and every step's noise
    int batch = 16;                             ///< samples drawn side by side

    bool isOracle() const { return modelSpec.startsWith(QStringLiteral("oracle:")); }
    bool operator==(const SamplingSettings& other) const;
    bool operator!=(const SamplingSettings& other) const { return !(*this == other); }
};

struct SamplingRequest {
    quint64 id = 0;                          ///< echoed in every signal so late ones can be told apart
    SamplingSettings settings;
    QString modelLabel;                      ///< how the page names the model ("Oracle: toy:gaussians8")
    std::shared_ptr<std::atomic<bool>> stop; ///< set to cancel; may be null (never stops)
    /// Bytes the stored frames may take (the rest is recomputed); 0: SamplingWorker::frameBudget().
    qint64 frameBudget = 0;
};

/// What the chain is, sent once the model and the plan are built (before the first step).
struct ChainInfo {
    quint64 id = 0;
    SamplingSettings settings;
    QString modelLabel;
    QString modelName;              ///< the model's own name
    QString planText;               ///< SamplingPlan::describe(), e.g. "DDIM, eta = 0 on 50 of 1000 steps"
    int originalSteps = 0;          ///< T of the diffusion the model was trained on
    QVector<int> timesteps;         ///< the original t of chain step k at index k - 1
    QVector<qint64> itemShape;      ///< {C, H, W} for images, {D} for points
    int batch = 0;
    int stride = 1;                 ///< every stride-th step is stored (the memory bound)
    bool learnsVariance = false;
    int threads = 0;                ///< torch threads the chain started on (the thread budget's)
    /// Points: the data drawn faintly behind the particles (the oracle's data, or the
    /// checkpoint's training set when it is a toy set); empty when unknown.
    std::vector<double> dataX;
    std::vector<double> dataY;
    QString dataText;               ///< what dataX/dataY are, e.g. "toy:moons (the oracle's data)"

    int chainSteps() const { return static_cast<int>(timesteps.size()); }
    bool images() const { return itemShape.size() == 3; }
    /// Values of one item (C * H * W or D).
    qint64 itemValues() const;
    /// The original t of chain step k (0 for k = 0, the final sample).
    int tOfStep(int k) const { return k >= 1 && k <= chainSteps() ? timesteps[k - 1] : 0; }
};

/// One stored step of the chain: x_t entering step k and the step's predictions.
struct ChainFrame {
    int step = 0;       ///< chain step k (K..1), 0 for the final sample
    int t = 0;          ///< its original timestep (0 for the final sample)
    /// Images: uint8 [N, C, H, W]; x_t and x_0 map [-1, 1] to 0..255, the noise [-3, 3].
    /// x0 and eps are empty at step 0.
    QByteArray xt, x0, eps;
    /// Points: float [N, D] (x0 and eps empty at step 0).
    QVector<float> pointsXt, pointsX0, pointsEps;
};

/// Statistics of every chain step (stored or not), from the float tensors.
struct ChainStep {
    int step = 0;
    int t = 0;
    double xtStd = 0;                ///< std over every value of the batch's x_t
    /// RMS of x0(k) - x0(k+1) over the batch (NaN at the first step and at the final sample).
    double x0Change = 0;
    QVector<float> itemXtStd;       ///< per item: std of its values
    QVector<float> itemX0Change;    ///< per item: RMS of its change (NaN where undefined)
};

/// What arrived since the last update, and the progress.
struct ChainUpdate {
    quint64 id = 0;
    QVector<ChainFrame> frames;     ///< oldest (highest k) first
    QVector<ChainStep> steps;
    int done = 0;                   ///< chain steps done of total
    int total = 0;
    int threads = 0;                ///< torch threads the chain's steps run on now
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::ChainInfo)
Q_DECLARE_METATYPE(ddpm::ui::ChainFrame)
Q_DECLARE_METATYPE(ddpm::ui::ChainUpdate)
