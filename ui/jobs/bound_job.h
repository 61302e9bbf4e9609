// The Bound page's job as plain values (no torch types): what decides a result (BoundSettings),
// one request to the worker (BoundRequest) and its numbers (BoundReport). Widgets include this
// header; the page, which owns the thread, includes workers/bound_worker.h.
#pragma once

#include <QMetaType>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

#include "ddpm/image.h"
#include "schedule_choice.h"

namespace ddpm::ui {

/// Everything except the pixels that decides a bound result; equal settings give equal results.
struct BoundSettings {
    QString imageName;              ///< shown in the results line ("chelsea.png")
    quint64 imageSerial = 0;        ///< bumped by the page whenever the image changes
    ScheduleChoice schedule;
    QString modelSpec = QStringLiteral("zero"); ///< "zero" or a checkpoint path
    bool largeVariance = false;     ///< sigma_t^2 = beta_t (large) instead of beta~_t (small)
    bool clipDenoised = false;      ///< clamp the predicted x_0 to [-1, 1]
    int samples = 1;                ///< K noise draws per t, averaged (1..64 in the GUI)
    int resolution = 32;            ///< N: resize + centre-crop to N x N before evaluating; 0 keeps the size
    quint64 seed = 0;

    bool operator==(const BoundSettings& other) const;
    bool operator!=(const BoundSettings& other) const { return !(*this == other); }
};

struct BoundRequest {
    quint64 id = 0;                 ///< echoed in every signal so late ones can be told apart
    ddpm::Image image;              ///< 8-bit, full resolution (resized in the worker)
    BoundSettings settings;
    std::shared_ptr<std::atomic<bool>> stop; ///< set to cancel; may be null (never stops)
};

/// One evaluation's numbers, all in bits per dimension unless said otherwise.
struct BoundReport {
    quint64 id = 0;
    BoundSettings settings;
    QString modelName;              ///< the model's own name, e.g. "zero (predicts no noise)"
    int width = 0;                  ///< size actually evaluated (after resizing)
    int height = 0;
    int channels = 0;
    int steps = 0;                  ///< T
    double priorBpd = 0;            ///< L_T
    double decoderBpd = 0;          ///< L_0
    double termsBpdSum = 0;         ///< sum over t = 2..T of L_{t-1}
    double totalBpd = 0;            ///< prior + decoder + terms sum
    std::vector<double> termsBpd;   ///< index t - 1: t = 1 is L_0, t >= 2 is L_{t-1}
    std::vector<double> lSimple;    ///< index t - 1: mean over dims of (eps - eps_theta)^2
    std::vector<double> weights;    ///< index t - 1: w_t of lSimpleWeights (dimensionless)
    long long modelCalls = 0;
    int timestepBatch = 0;
    double seconds = 0;             ///< wall time of the evaluation, resizing included

    bool empty() const { return termsBpd.empty(); }
};

/// t, bpd, l_simple, weight: one row per t = 1..T, full double precision, header first.
QString boundCsv(const BoundReport& report);

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::BoundReport)
