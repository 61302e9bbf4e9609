// BoundWorker: evaluates the variational bound (core's evaluateBound) off the GUI thread.
// Plain values in (BoundRequest) and out (BoundReport); progress arrives through queued
// signals at most about 25 times a second; a per-request atomic flag cancels.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "ddpm/image.h"
#include "ddpm/progress.h"
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

class BoundWorker : public QObject {
    Q_OBJECT
public:
    explicit BoundWorker(QObject* parent = nullptr);

    /// Runs in the worker's thread (invoke it queued). Emits progress while it works and then
    /// exactly one of finished, failed or cancelled, each carrying request.id.
    void run(const BoundRequest& request);

    /// The computation itself, in the calling thread: resize, build schedule and model,
    /// evaluate. Throws ddpm::Error on bad input and ddpm::Cancelled when stop is set.
    static BoundReport compute(const BoundRequest& request, const ddpm::ProgressFn& progress = {});

Q_SIGNALS:
    /// done of total timesteps, at most about 25 per second (the last one always arrives).
    void progress(quint64 id, qint64 done, qint64 total);
    void finished(const ddpm::ui::BoundReport& report);
    void failed(quint64 id, const QString& message);
    void cancelled(quint64 id);
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::BoundReport)
