// The Training page's data preview as a plain value (no torch types): a grid of real examples
// or the 2-D points, the shape and the preset's parameter count. The page, which owns the
// thread, includes workers/data_inspector.h.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>

#include <vector>

namespace ddpm::ui {

struct DataInspection {
    quint64 id = 0;
    QString dataSpec;
    QImage grid;                ///< images: up to 16 examples
    std::vector<double> x;      ///< points: up to 2,000 of the set
    std::vector<double> y;
    QString shape;              ///< e.g. "1 × 28 × 28" or "2-D points"
    QString dataError;          ///< why the data does not load (then no preview and no count)
    qint64 parameters = -1;     ///< -1 when the preset does not fit (see presetError)
    QString presetError;
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::DataInspection)
