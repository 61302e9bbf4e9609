// The Forward page's job as plain values (no torch types): the mode, one request to the
// worker (ForwardRequest) and one frame back (ForwardResult). Widgets include this header; the
// page, which owns the thread, includes workers/forward_worker.h.
#pragma once

#include <memory>

#include <QImage>
#include <QMetaType>
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

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::ForwardRequest)
Q_DECLARE_METATYPE(ddpm::ui::ForwardResult)
