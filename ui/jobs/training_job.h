// The Training page's job as plain values (no torch types): what Start trains
// (TrainingSettings), the steps done (TrainingPoint, TrainingProgress), a session that began
// (TrainingSession) and an EMA sample preview (TrainingPreview). Widgets include this header;
// the page, which owns the thread, includes workers/training_worker.h.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>

#include <array>
#include <vector>

#include "ddpm/train_config.h"

namespace ddpm::ui {

/// What Start trains: every setting of the run, and where its files go.
struct TrainingSettings {
    ddpm::TrainConfig config;
    QString runDir; ///< empty: a new folder runs/<date-time> under the app's data location

    /// The default folder of a new run: AppDataLocation/runs/yyyyMMdd-HHmmss.
    static QString defaultRunDir();
};

/// One training step's report, plus the training time so far.
struct TrainingPoint {
    long long step = 0;
    double wallSeconds = 0;     ///< training time of this session up to this step (previews included)
    double loss = 0;
    double gradNorm = 0;        ///< before clipping
    double lr = 0;
    double itemsPerSecond = 0;
    std::array<double, 10> bucketLoss{}; ///< mean loss with t in the k-th tenth of 1..T (NaN: none)
};

/// Steps done since the last progress signal, and where the run stands.
struct TrainingProgress {
    std::vector<TrainingPoint> points; ///< oldest first; each step exactly once
    long long step = 0;
    long long totalSteps = 0;
    double itemsPerSecond = 0;  ///< smoothed over recent steps
    double etaSeconds = -1;     ///< to totalSteps at that rate; -1 unknown
};

/// A session that began (Start or Open checkpoint).
struct TrainingSession {
    QString runDir;
    QString resumedFrom;        ///< the checkpoint file, when resumed
    long long step = 0;         ///< steps already done
    long long totalSteps = 0;
    bool images = true;
    qint64 parameterCount = 0;
    QString summary;            ///< e.g. "mlp tiny (37,762 parameters), eps, small variance, simple loss on toy:moons"
    QString runtime;            ///< e.g. "CPU · 2 threads"
    ddpm::TrainConfig config;   ///< with the defaults the trainer filled in
    QImage dataGrid;            ///< images: real examples
    std::vector<double> dataX;  ///< points: up to 5,000 of the data
    std::vector<double> dataY;
};

/// An EMA sample preview: an image grid, or points for 2-D data.
struct TrainingPreview {
    long long step = 0;
    QString chain;       ///< how it was sampled, e.g. "DDIM, eta = 0 on 50 of 1000 steps"
    QImage image;
    std::vector<double> x;
    std::vector<double> y;
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::TrainingSession)
Q_DECLARE_METATYPE(ddpm::ui::TrainingProgress)
Q_DECLARE_METATYPE(ddpm::ui::TrainingPreview)
