// ForwardWorker: computes what the Forward process page shows (x_0, the noise, x_t, a strip
// of x_t at evenly spaced t, the histogram of x_t against theory) on its own thread; in
// compare mode x_t both from the closed form and from the Markov chain (same t, same seed).
//
// Requests and results are plain values (no torch types), passed by queued signals.
// Requests are coalesced: only the latest pending one runs, and a running Markov-chain
// walk stops as soon as a newer request arrives (its progress is kept for the next one).
// The diffusion work is core's: the walk is ddpm::ForwardChain (the same per-step seeded walk
// as Diffusion::qSampleChain and `ddpm noise --chain`), the histogram and theory come from
// ddpm/forward_stats.h; this class only caches, converts to QImage and reports.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include "ddpm/image.h"
#include "ddpm/schedule.h"

namespace ddpm::ui {

enum class ForwardMode {
    ClosedForm,  ///< x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps  (Eq. 4), one eps for every t
    MarkovChain, ///< x_t walked step by step with q(x_t | x_{t-1})  (Eq. 2)
    Compare,     ///< both, same t and seed: closed form in xt (and the strip), the chain in xtChain
};

/// One thing to compute. The image and schedule are shared, immutable, and identified by
/// pointer: the worker caches work per (image, resolution, schedule, seed).
struct ForwardRequest {
    quint64 id = 0;
    std::shared_ptr<const ddpm::Image> image;          ///< full-resolution 8-bit image
    std::shared_ptr<const ddpm::NoiseSchedule> schedule;
    int t = 1;                                         ///< 1..T
    quint64 seed = 0;
    ForwardMode mode = ForwardMode::ClosedForm;
    int resolution = 128;                              ///< N for an N x N centre crop; 0 = original size
    int stripCount = 8;                                ///< tiles in the strip (t evenly spaced over 0..T)
};

/// What the page shows for one request. Pixel values are in model space [-1, 1];
/// images show them clamped to that range.
struct ForwardResult {
    quint64 id = 0;
    bool complete = false; ///< false: x_t is there, the strip is still being walked
    QString error;         ///< non-empty when the computation failed (then nothing else is set)

    int t = 0;
    int steps = 0;
    quint64 seed = 0;
    ForwardMode mode = ForwardMode::ClosedForm;
    QImage x0;    ///< the image at the chosen resolution
    QImage noise; ///< eps (closed form, compare) or the effective eps (x_t - sqrt(ab) x_0) / sqrt(1 - ab) (chain)
    QImage xt;      ///< x_t of the mode; the closed form's in compare mode
    QImage xtChain; ///< compare mode only: x_t walked by the Markov chain (null otherwise)
    QVector<QImage> strip; ///< x_t at stripSteps (t = 0 is x_0); empty until complete
    QVector<int> stripSteps;

    // Histogram of x_t's values (every pixel and channel), as a density over equal bins.
    double histLow = -4.0;
    double histHigh = 4.0;
    QVector<double> histDensity;   ///< measured for xt, count / (n * bin width)
    QVector<double> chainHistDensity; ///< compare mode only: measured for xtChain, same bins
    QVector<double> theoryDensity; ///< expected under q(x_t | x_0): mixture over x_0's values, per bin

    double alphaBar = 0.0; ///< alpha_bar_t
    double snr = 0.0;      ///< alpha_bar_t / (1 - alpha_bar_t)
    double x0Mean = 0.0, x0Std = 0.0;
    double measuredMean = 0.0, measuredStd = 0.0;           ///< of xt
    double chainMeasuredMean = 0.0, chainMeasuredStd = 0.0; ///< of xtChain (compare mode only)
    double predictedMean = 0.0; ///< sqrt(alpha_bar_t) mean(x_0)
    double predictedStd = 0.0;  ///< sqrt(alpha_bar_t var(x_0) + 1 - alpha_bar_t)
};

class ForwardWorker : public QObject {
    Q_OBJECT
public:
    explicit ForwardWorker(QObject* parent = nullptr);
    ~ForwardWorker() override;

    /// Thread-safe. Replaces any pending request, asks a running one to stop, and schedules
    /// processing on the worker's thread.
    void submit(const ForwardRequest& request);
    /// Thread-safe. Drops the pending request and stops the running one.
    void cancel();

    /// Largest memory (bytes) kept for walked Markov-chain states.
    static constexpr std::int64_t kChainCacheBytes = 160LL * 1024 * 1024;

Q_SIGNALS:
    /// A frame (complete or not) for request id.
    void resultReady(const ddpm::ui::ForwardResult& result);
    /// Markov-chain walk progress for request id: step done of total (at most about 20 per second).
    void progress(quint64 id, int done, int total);

private:
    void processPending();
    void compute(const ForwardRequest& request);

    struct Cache;
    std::unique_ptr<Cache> m_cache; // used on the worker thread only

    std::mutex m_mutex;
    std::unique_ptr<ForwardRequest> m_pending; // guarded by m_mutex
    bool m_scheduled = false;                  // guarded by m_mutex
    std::atomic<bool> m_stop{false};
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::ForwardRequest)
Q_DECLARE_METATYPE(ddpm::ui::ForwardResult)
